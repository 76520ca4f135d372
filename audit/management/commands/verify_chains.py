"""`manage.py verify_chains [--against DIGEST_FILE [--public-key KEY]] [--workers N]`: recompute every
hash chain; exit 1 if any is broken. A long chain's ranges are verified by N processes side by side.

With --against, also check that every head published in the digest file is still the row
at that seq: this catches a rewrite whose author recomputed every hash after it. Every digest
must carry a valid Ed25519 signature under KEY (default: the public half of this installation's
DIGEST_SIGNING_KEY_FILE); an unsigned or forged digest is refused before anything is compared.
"""

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import signing
from audit.chain import verify_all
from audit.digest import DigestFileError, check_against, check_signatures, read_digests


class Command(BaseCommand):
    help = "Verify every hash chain and name the first broken link (optionally against published digests)."

    def add_arguments(self, parser):
        parser.add_argument("--against", metavar="DIGEST_FILE", help="A digest file written by publish_digest.")
        parser.add_argument(
            "--public-key",
            metavar="KEY",
            help="The digests' Ed25519 public key: base64 (as `signing_key` prints it), PEM, or a file holding "
            "either. Default: the public half of DIGEST_SIGNING_KEY_FILE.",
        )

        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes verifying ranges of a long chain side by side (default: one per CPU, %(default)s).",
        )

    def handle(self, *args, against=None, public_key=None, workers=1, **options):
        if public_key and not against:
            raise CommandError("--public-key checks the digests of --against DIGEST_FILE: give both.")
        digests = self._digests(against, public_key) if against else None
        # Lists, not generators: every chain is reported, not only up to the first broken one.
        if workers < 1:
            raise CommandError(f"--workers {workers}: give 1 or more.")
        results = [self._report(report) for report in verify_all(workers=workers)]
        if digests is not None:
            results += [self._published(result) for result in check_against(digests)]
        if not all(results):
            sys.exit(1)

    def _digests(self, path: str, public_key: str | None) -> list[dict]:
        try:
            digests = read_digests(Path(path))
            public = self._public_key(public_key)
            check_signatures(digests, public)
        except (DigestFileError, signing.SigningKeyError) as exc:
            raise CommandError(f"--against {path}: {exc}") from exc
        self.stdout.write(f"SIGNED {len(digests)} digests verify under public key {signing.key_id(public)}")
        return digests

    def _public_key(self, text: str | None):
        if text:
            return signing.public_key_from_text(text)
        path, _ = signing.key_file()
        if not path.exists():
            raise signing.SigningKeyError(f"no signing key at {path}: give the digests' --public-key")
        return signing.signing_key().public_key()

    def _report(self, report) -> bool:
        line = f"{report.table} [{report.chain}]: {report.rows} rows checked"
        line += f", head seq {report.head_seq} {report.head_hash}"
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"OK     {line}"))
            return True
        b = report.broken
        self.stdout.write(
            self.style.ERROR(
                f"BROKEN {line}; first broken link: table {b['table']} seq {b['seq']} row id {b['id']} "
                f"({b['field']}: expected {b['expected']}, found {b['found']})"
            )
        )
        return False

    def _published(self, result: dict) -> bool:
        name = f"{result['table']} [{result['chain']}]"
        good = result["last_good"]
        if result["ok"]:
            head = f"seq {good['seq']} {good['hash']}" if good else "none"
            self.stdout.write(
                self.style.SUCCESS(f"OK     {name}: {result['digests']} published heads hold; latest {head}")
            )
            return True
        bad, after = result["first_bad"], (good["seq"] if good else 0)
        self.stdout.write(
            self.style.ERROR(
                f"REWRITTEN {name}: head seq {bad['seq']} published {bad['published_at']} as {bad['expected']}, "
                f"found {bad['found']}; history rewritten after seq {after} and at or before seq {bad['seq']}"
            )
        )
        return False
