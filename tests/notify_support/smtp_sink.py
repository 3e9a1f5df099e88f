#!/usr/bin/python3
"""A real SMTP server for the notification tests (Debian's python3-aiosmtpd).

usage: smtp_sink.py PORT OUT.jsonl [FAIL_FIRST [CODE]]

Every message accepted is appended to OUT.jsonl as one JSON line: envelope sender and
recipients, the decoded Subject, Message-ID, To, and the text/plain and text/html parts. The
first FAIL_FIRST messages are refused with CODE (default 451, a temporary failure); a
recipient whose address starts with "refuse" is always refused with 550.
Prints "ready" on standard output once it listens.
"""

import email
import email.policy
import json
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, fail_first, code):
        self.out = out
        self.fail_left = fail_first
        self.code = code

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_left > 0:
            self.fail_left -= 1
            return "%d 4.3.0 try again later" % self.code
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = {}
        for part in msg.walk():
            ctype = part.get_content_type()
            if ctype in ("text/plain", "text/html"):
                parts[ctype] = part.get_content()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "plain": parts.get("text/plain", ""),
            "html": parts.get("text/html", ""),
        }
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 Message accepted"


def main():
    port = int(sys.argv[1])
    out = sys.argv[2]
    fail_first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    code = int(sys.argv[4]) if len(sys.argv) > 4 else 451
    controller = Controller(Sink(out, fail_first, code), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
