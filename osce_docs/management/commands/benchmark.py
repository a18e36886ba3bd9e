import platform
import time
import warnings

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from osce_docs import benchmark


class Command(BaseCommand):
    help = (
        "Measure every public page against the current database: p50/p95 server time, SQL queries and "
        "response size per scenario, and the ratio to a bare Django view measured in the same run. "
        "Pages that do not exist yet are reported as not available."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=20, help="Timed requests per scenario (after warm-up).")
        parser.add_argument("--json", metavar="FILE", help="Also write the results as JSON to FILE.")
        parser.add_argument("--deep-page", type=int, default=2000, help="The page number of the deep-page scenarios.")
        parser.add_argument(
            "--download-mb", type=int, default=benchmark.DOWNLOAD_MB, help="Size of the download scenario's file (0: skip it)."
        )
        parser.add_argument(
            "--compare",
            metavar="FILE",
            help="A JSON file from an earlier run (e.g. on 10,000 documents): adds each p95 as a multiple of its p95.",
        )
        parser.add_argument(
            "--only", action="append", metavar="WORDS", help="Only scenarios whose name contains WORDS (repeatable)."
        )

    def handle(self, *args, requests, json: str | None, deep_page, download_mb, only, compare, verbosity, **options):
        if requests < 1:
            raise CommandError("--requests must be at least 1.")
        baseline = None
        if compare:
            try:
                baseline_corpus, baseline = benchmark.load_baseline(compare)
            except (OSError, ValueError, AttributeError, TypeError) as error:
                raise CommandError(f"--compare {compare}: not a JSON file written by benchmark --json ({error}).")
        if download_mb < 0:
            raise CommandError("--download-mb cannot be negative.")
        # WhiteNoise warns once per handler when collectstatic has not run: noise here.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        corpus = benchmark.corpus_summary()
        self.stdout.write(
            f"Corpus on {corpus['database']}: {corpus['documents']:,} documents "
            f"({corpus['published']:,} published, {corpus['synthetic']:,} synthetic), "
            f"{corpus['recommendations']:,} recommendations, {corpus['attachments']:,} files. "
            f"{requests} timed requests per scenario."
        )
        started = time.perf_counter()

        def progress(result):
            if verbosity > 1:
                self.stderr.write(f"  {result.scenario}: {result.p95_ms or result.note}")

        results = benchmark.run(
            requests=requests, deep_page=deep_page, download_mb=download_mb, only=only, progress=progress
        )
        self.stdout.write(f"Deep page: page {benchmark.deepest_page(deep_page):,} of each list.")
        if baseline is not None:
            self.stdout.write(
                f"Compared with {compare}: {baseline_corpus.get('documents', 0):,} documents on "
                f"{baseline_corpus.get('database', '?')}."
            )
        self.stdout.write(benchmark.format_table(results, baseline))
        self.stdout.write(f"Measured in {time.perf_counter() - started:.0f} s.")
        if json:
            payload = {
                "measured_at": timezone.now().isoformat(),
                "machine": platform.platform(),
                "python": platform.python_version(),
                "requests": requests,
                "corpus": corpus,
                "results": [result.as_dict() for result in results],
            }
            with open(json, "w", encoding="utf-8") as handle:
                handle.write(__import__("json").dumps(payload, indent=2))
            self.stdout.write(f"Wrote {json}.")
