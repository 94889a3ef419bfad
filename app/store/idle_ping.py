"""A pooled server connection is pinged before use only when it has lain idle.

SQLAlchemy's ``pool_pre_ping`` sends a round trip before every transaction, to find a connection
the server or the network dropped while it lay in the pool. A desk's work is many short
transactions close together (a keystroke's search, a plan printed: ten round trips each), and
the ping was one more each time. A connection used a moment ago is as alive as a ping would
show; one that lay idle longer than ``PING_AFTER_IDLE_S`` is pinged, and replaced when dead,
exactly as ``pool_pre_ping`` does.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

#: Seconds a pooled connection may lie unused and still be used without a ping. A server that
#: restarts within this moment of the desk's last step fails that desk's next step once (with
#: the usual "server not reachable" message); the step after that gets a new connection.
PING_AFTER_IDLE_S = 5.0

_IDLE_SINCE = "minplan_idle_since"


def ping_when_idle(engine: Engine, idle_s: float = PING_AFTER_IDLE_S) -> None:
    """Check a connection taken from ``engine``'s pool with a ping when it lay idle ``idle_s``
    or longer; a dead one is discarded and the pool connects afresh."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < idle_s:
            return  # new, or used a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if not dialect.is_disconnect(exc, dbapi_connection, None):
                raise
            alive = False
        if not alive:
            raise DisconnectionError("the pooled connection was closed while it lay idle")
