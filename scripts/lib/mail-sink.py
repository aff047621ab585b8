#!/usr/bin/env python3
"""A real SMTP server for the mail tests (aiosmtpd 1.4.6): accepts mail on a loopback port and writes each message it
takes to DIR as NNNN.eml, with NNNN.json beside it (the envelope: mail_from, rcpt_tos).

  mail-sink.py --port P --dir DIR [--starttls CERT KEY] [--auth USER:PASSWORD] [--refuse-first N] [--reject ADDRESS]

--starttls   offer STARTTLS with this certificate and key, and require it before MAIL
--auth       require AUTH (PLAIN or LOGIN) with these credentials (over TLS only, as aiosmtpd insists)
--refuse-first  answer the first N messages' DATA with 451 (try again later)
--reject     answer RCPT TO for this address with 550 (no such mailbox)

Prints "READY <port>" once it listens; runs until it is terminated.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, refuse_first, reject):
        self.directory = directory
        self.refuse_first = refuse_first
        self.reject = {address.lower() for address in reject}
        self.refused = 0
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.refuse_first:
            self.refused += 1
            return "451 4.3.0 Try again later"
        self.count += 1
        name = os.path.join(self.directory, f"{self.count:04d}")
        with open(name + ".eml", "wb") as file:
            file.write(envelope.original_content or envelope.content)
        with open(name + ".json", "w") as file:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "tls": session.ssl is not None}, file)
        return "250 2.0.0 Message accepted"


def main():
    # a parent may start us with signals blocked (a test runner's thread): take them back, or SIGTERM would never end us
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth")
    parser.add_argument("--refuse-first", type=int, default=0)
    parser.add_argument("--reject", action="append", default=[])
    options = parser.parse_args()
    os.makedirs(options.dir, exist_ok=True)
    arguments = {}
    if options.starttls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*options.starttls)
        arguments.update(tls_context=context, require_starttls=True)
    if options.auth:
        user, password = options.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login.decode() == user and data.password.decode() == password
            # handled=False: aiosmtpd answers a failure itself (535)
            return AuthResult(success=ok, handled=False)

        arguments.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
    controller = Controller(Sink(options.dir, options.refuse_first, options.reject), hostname="127.0.0.1", port=options.port, **arguments)
    controller.start()
    print(f"READY {options.port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
