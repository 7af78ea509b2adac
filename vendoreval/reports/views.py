from django.http import HttpRequest, HttpResponse

from vendoreval.evaluations.access import VIEW, evaluation_access


@evaluation_access(VIEW)
def report_page(request: HttpRequest, evaluation) -> HttpResponse:
    return HttpResponse("The report is being built.", content_type="text/plain")
