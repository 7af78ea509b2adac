from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("That username and password do not match an account. Both are case-sensitive."),
    }


class SignUpForm(UserCreationForm):
    """An invitee without an account creates one; Django's password validators apply."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)
