"""API test helpers: a token for a town user and a client that sends it."""

import pytest
from django.test import Client

from grassroots.accounts.tokens import token_create


class ApiClient:
    """A test client that sends `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, plaintext=None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {plaintext}"} if plaintext else {}

    def get(self, url, params=None):
        return self.client.get(url, params or {}, headers=self.headers)

    def post(self, url, data):
        return self.client.post(url, data, content_type="application/json", headers=self.headers)

    def patch(self, url, data):
        return self.client.patch(url, data, content_type="application/json", headers=self.headers)


def bearer_for(user, name="tests"):
    """A fresh token for `user`: (ApiToken, plaintext)."""
    return token_create(user, name)


@pytest.fixture
def api_for(town):
    """api_for('secretary') gives an ApiClient with a fresh token of that town user."""

    def make(username):
        token, plaintext = bearer_for(town.users[username])
        api = ApiClient(plaintext)
        api.token = token
        return api

    return make


@pytest.fixture
def anonymous_api(db):
    return ApiClient()
