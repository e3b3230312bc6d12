"""Someone guessing passwords at the keyboard: every wrong guess makes the next one wait longer.

The guesser tries at the earliest moment allowed, again and again, alternating the start-up login and the
lock screen, and "restarting the app" each time (a fresh ``open_store``/``verify_password``: the wait is
kept in a file beside the key file, not in memory). A guess before the wait is over is refused without
trying the password, even the right one, and does not shorten the wait. An unknown user name is kept
waiting the same way, so guessing cannot tell real names from made-up ones. The real defence is the cost
of Argon2id; this wait is what makes guessing by hand pointless, and what the user is told.

tests/store/test_unlock.py holds the first few failures and the reset on success.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.errors import Refused
from app.paths import DataDir
from app.store.lockout import FREE_ATTEMPTS, MAX_WAIT_SECONDS, Lockout, wait_after
from app.store.unlock import open_store, verify_password
from tests.conftest import WORKER, WORKER_PW
from tests.figures import Figures

GUESSES = 24


def guess(root: Path, login: str, password: str, attempt: int, clock: object) -> Refused:
    attempt_with = open_store if attempt % 2 else verify_password
    with pytest.raises(Refused) as refused:
        attempt_with(root, login, password, clock=clock)  # type: ignore[operator]
    return refused.value


def test_each_wrong_guess_makes_the_next_wait_longer(store_dir: Path, figures: Figures) -> None:
    started = time.monotonic()
    now = [1_000_000.0]

    def clock() -> float:
        return now[0]

    lockout = Lockout(DataDir(store_dir).lockout, clock)
    waits: list[int] = []
    early_refusals = 0
    for attempt in range(1, GUESSES + 1):
        refused = guess(store_dir, WORKER, f"guess-{attempt:04d}", attempt, clock)
        wait = lockout.seconds_left(WORKER)
        waits.append(wait)
        assert wait == wait_after(attempt)
        if wait:
            assert f"{wait} 秒后再试" in refused.render("zh_CN")
            assert f"wait {wait} seconds" in refused.render("en")
            # One second too soon, with the right password: refused, nothing opened, the wait stands.
            now[0] += wait - 1
            with pytest.raises(Refused) as early:
                open_store(store_dir, WORKER, WORKER_PW, clock=clock)
            assert "1 秒后再试" in early.value.render("zh_CN")
            assert lockout.failures(WORKER) == attempt
            early_refusals += 1
            now[0] += 1
    assert waits == sorted(waits), "a wait got shorter"
    assert waits[FREE_ATTEMPTS - 1] > 0 and waits[-1] == MAX_WAIT_SECONDS
    attacker_seconds = sum(waits)
    assert attacker_seconds > 3 * 3600, "two dozen guesses should cost hours"
    # After the wait, the right password opens the store and clears the count.
    open_store(store_dir, WORKER, WORKER_PW, clock=clock).close()
    assert lockout.failures(WORKER) == 0
    figures.record(
        "brute-force unlock",
        rounds=GUESSES,
        faults={"wrong guesses": GUESSES, "guesses before the wait was over": early_refusals},
        checked=GUESSES + early_refusals,
        lost=0,
        seconds=time.monotonic() - started,
        notes=f"{GUESSES} guesses cost the guesser {attacker_seconds / 3600:.1f} h of waiting",
    )


def test_an_unknown_user_name_waits_alike(store_dir: Path) -> None:
    now = [2_000_000.0]

    def clock() -> float:
        return now[0]

    for attempt in range(1, FREE_ATTEMPTS + 3):
        real = guess(store_dir, WORKER, "wrong-password-1", attempt, clock).render("en")
        made_up = guess(store_dir, "nobody", "wrong-password-1", attempt, clock).render("en")
        assert real == made_up
        now[0] += wait_after(attempt)
