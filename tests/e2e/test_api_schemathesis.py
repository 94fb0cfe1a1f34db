"""The JSON API under a third-party property-based tester (schemathesis) with real writes."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests import factories
from thuvien.accounts.models import Role
from thuvien.accounts.tokens import issue_token

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_no_server_errors_and_responses_match_the_schema(live_server):
    factories.hanoi()
    factories.library("Thư viện Hà Nội", factories.hanoi())
    token = issue_token(factories.user("bo", Role.MINISTRY_ADMIN), "schemathesis")
    cli = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [
            str(cli),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--url",
            live_server.url,
            "-H",
            f"Authorization: Bearer {token}",
            "--max-examples",
            "25",
            "--seed",
            "2025",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,"
            "response_schema_conformance",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
