"""Login throttling counts failures per user name and client, also behind the TLS proxy, where every request comes
from the proxy's address and the client is in X-Forwarded-For (the proxy appends the address it saw)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from vendoreval.accounts.client_ip import client_ip

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"
PASSWORD = "correct horse battery staple"


def through_proxy(client_address: str, sent_by_client: str = "") -> Client:
    """A browser at `client_address` behind nginx, which appends the address it saw to what the client sent."""
    forwarded = f"{sent_by_client}, {client_address}" if sent_by_client else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def guess(client: Client, username: str, times: int):
    return [client.post(reverse("login"), {"username": username, "password": "wrong"}).status_code
            for _ in range(times)]


@pytest.fixture
def behind_proxy(settings):
    settings.VENDOREVAL_PROXY_HOPS = 1  # what BEHIND_TLS_PROXY=1 sets (see the last test)


def test_a_guesser_behind_the_proxy_locks_only_themselves_out(behind_proxy, evaluator):
    attacker = through_proxy("203.0.113.9")
    assert guess(attacker, evaluator.username, settings.AXES_FAILURE_LIMIT)[-1] == 429
    assert guess(attacker, evaluator.username, 1) == [429]
    owner_of_the_account = through_proxy("198.51.100.7")
    response = owner_of_the_account.post(reverse("login"), {"username": evaluator.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_guesser_cannot_pose_as_another_client_by_sending_the_header(behind_proxy, evaluator):
    attacker = through_proxy("203.0.113.9", sent_by_client="198.51.100.7")
    guess(attacker, evaluator.username, settings.AXES_FAILURE_LIMIT)
    victim = through_proxy("198.51.100.7")
    assert victim.post(reverse("login"), {"username": evaluator.username, "password": PASSWORD}).status_code == 302
    rotating = [through_proxy("203.0.113.9", sent_by_client=f"10.0.0.{i}") for i in range(3)]
    assert [guess(c, evaluator.username, 1)[0] for c in rotating] == [429] * 3  # still the same client


def test_without_a_proxy_the_header_is_ignored(settings, evaluator):
    settings.VENDOREVAL_PROXY_HOPS = 0
    statuses = [guess(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"), evaluator.username, 1)[0]
                for i in range(settings.AXES_FAILURE_LIMIT + 1)]
    assert statuses[-1] == 429


@pytest.mark.parametrize("hops, forwarded, expected", [
    (1, "198.51.100.7", "198.51.100.7"),
    (1, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
    (2, "1.2.3.4, 198.51.100.7, 10.0.1.5", "198.51.100.7"),  # load balancer, then nginx
    (1, "2001:db8::1", "2001:db8::1"),
    (1, "", PROXY),  # not through the proxy
    (1, "not-an-address", PROXY),
    (0, "198.51.100.7", PROXY),
])
def test_the_client_address(rf, settings, hops, forwarded, expected):
    settings.VENDOREVAL_PROXY_HOPS = hops
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def production_setting(**env) -> str:
    environment = {**os.environ, "DEBUG": "0", "SECRET_KEY": "p" * 50, "ALLOWED_HOSTS": "vendoreval.example.eu",
                   "DJANGO_SETTINGS_MODULE": "vendoreval.settings", **env}
    code = ("from django.conf import settings; "
            "print(settings.AXES_CLIENT_IP_CALLABLE, settings.VENDOREVAL_PROXY_HOPS)")
    result = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
                            cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_documented_proxy_setting_makes_throttling_per_client():
    callable_path = "vendoreval.accounts.client_ip.client_ip"
    assert production_setting(BEHIND_TLS_PROXY="1") == f"{callable_path} 1"
    assert production_setting(BEHIND_TLS_PROXY="1", PROXY_HOPS="2") == f"{callable_path} 2"
    assert production_setting(BEHIND_TLS_PROXY="0") == f"{callable_path} 0"
