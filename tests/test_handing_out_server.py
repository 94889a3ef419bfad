"""On a team server only the database's owner may delete access-log months (issue 15, line 6):
an administrator of Min Plan with an ordinary server login is refused before anything is read."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.casework.core.actor import Actor
from app.casework.privacy.handing_out import require_purge_right
from app.domain.errors import PermissionDeniedError
from app.store.engine import Database, transaction

pytestmark = pytest.mark.postgres

ADMIN = Actor(None, "AD", "Anders Dal", "admin", "ad")
CASEWORKER = Actor(None, "KL", "Karen Lund", "caseworker", "kl")


def test_only_the_owner_of_a_server_database_purges(pg_db: Database, pg_login) -> None:  # type: ignore[no-untyped-def]
    url, password = pg_login()
    engine = create_engine(make_url(url).set(password=password))
    try:
        with Session(engine) as session, pytest.raises(PermissionDeniedError, match="owner"):
            require_purge_right(session, ADMIN)
    finally:
        engine.dispose()
    with transaction(pg_db) as session:  # the test server's superuser owns the database
        require_purge_right(session, ADMIN)
        with pytest.raises(PermissionDeniedError, match="administrator"):
            require_purge_right(session, CASEWORKER)
