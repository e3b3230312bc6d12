"""Enrolling this computer, as steps (``sync.client.flow``'s ``OnDb`` and ``OnNet``, never both in one).

The command line runs them in a row (``rehabdesk enroll``); a window runs each through its op runner,
as it runs a sync, so it never waits on the network. The server address and the one-time code are the
ones given, else those IT's provisioning file stored (``rehabdesk provision``). Once the server has
taken a provisioned code it is removed from this computer: a code works once.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from functools import partial
from typing import Any

from app.errors import Refused
from app.store.store import Store
from sync import protocol
from sync.client import state
from sync.client.flow import OnDb, OnNet, Step, TransportFactory
from sync.client.transport import DEFAULT_TIMEOUT, Transport, check_url


def enrol_flow(
    server: str | None,
    code: str | None,
    transport_factory: TransportFactory = Transport,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> Generator[Step, Any, tuple[str, protocol.EnrollResponse, bool]]:
    """Returns (server URL, the server's answer, whether the provisioned code was the one used)."""
    yield OnDb("allowed", state.check_enrolment_allowed)
    target, request = yield OnDb("target", partial(_target, server=server, code=code))
    url = check_url(target.server_url)
    transport = transport_factory(url, None, timeout=timeout)
    asked = time.time()
    meta = yield OnNet("meta", transport.meta)
    state.check_meta(meta, (asked + time.time()) * 500)
    response = yield OnNet("enroll", partial(transport.enroll, request))
    try:
        yield OnDb(
            "save",
            partial(
                state.save_enrolment,
                server_url=url,
                response=response,
                provisioned_code=target.provisioned_code,
            ),
        )
    except Refused:
        if target.provisioned_code:  # the server took the code all the same: it cannot be used again
            yield OnDb("forget_code", state.forget_provisioned_code)
        raise
    return url, response, target.provisioned_code


def _target(
    store: Store, server: str | None, code: str | None
) -> tuple[state.EnrolTarget, protocol.EnrollRequest]:
    target = state.enrolment_target(store, server, code)
    return target, state.enroll_request(store, target.code)
