"""The end of `vigil demo`: link, detect, make the demo users, and serve."""

from __future__ import annotations

import time

from rich.console import Console

out = Console(soft_wrap=True)


def demo_finish(*, serve: bool, host: str, port: int) -> None:
    """Links and detects over the demo data, prints the demo users' sign-in, then serves."""
    from vigil.web.accounts.demo import demo_users_ready
    from vigil.web.alerts.services import alerts_detect
    from vigil.web.entities.services import entities_link

    started = time.monotonic()
    with out.status("Linking mentions into people, vehicles, phones, addresses..."):
        run = entities_link()
    out.print(
        f"Linked: {run.counts.get('entities', 0):,} entities ({time.monotonic() - started:.1f} s)."
    )
    started = time.monotonic()
    with out.status("Detecting unactioned concerns and networks..."):
        detected = alerts_detect()
    out.print(f"Detected: {detected.alerts:,} alerts ({time.monotonic() - started:.1f} s).")

    out.print(
        "Demo users (new passwords each run). Sign in with the email and password, then a code "
        "from an authenticator app holding the secret, or a recovery code (each works once):"
    )
    for sign_in in demo_users_ready():
        demo = sign_in.user
        out.print(f"  {demo.name} ({demo.role}, {demo.agency})", highlight=False)
        out.print(f"    email {demo.email}   password {sign_in.password}", highlight=False)
        codes = " ".join(sign_in.recovery_codes[:3])
        out.print(
            f"    authenticator secret {sign_in.totp_secret}   recovery codes {codes}",
            highlight=False,
        )
    if serve:
        from vigil.commands.serve import serve_command

        serve_command(host=host, port=port)
