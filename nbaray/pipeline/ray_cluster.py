"""Connecting to Ray: a given cluster address, or a local cluster bound to 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

log = logging.getLogger(__name__)

# Without this Ray binds its GCS, raylet and workers to the machine's external address.
LOOPBACK_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}


@contextlib.contextmanager
def ray_session(address: str | None = None, num_cpus: int | None = None) -> Iterator[None]:
    """Ray for the length of the block: reuse a running session, join `address`, or start a local one.

    Without `address`, a job started by `ray job submit` joins its cluster through RAY_ADDRESS.
    A local cluster started here is stopped on exit; one that was joined or reused is left running.
    """
    for name, value in LOOPBACK_ENV.items():  # before Ray is imported: it reads them at import time
        os.environ.setdefault(name, value)
    import ray

    if ray.is_initialized():
        yield
        return
    address = address or os.environ.get("RAY_ADDRESS")
    if address:
        log.info("joining the Ray cluster at %s", address)
        ray.init(address=address, log_to_driver=True)
    else:
        log.info("starting a local Ray cluster on 127.0.0.1")
        # "local": never join a cluster some earlier `ray start` left recorded in /tmp/ray.
        ray.init(
            address="local",
            num_cpus=num_cpus,
            include_dashboard=False,
            log_to_driver=True,
            logging_level=logging.WARNING,
        )
    try:
        yield
    finally:
        ray.shutdown()
