import time

from django.core.management.base import BaseCommand, CommandError

from osce_docs import demo


def positive_int(value):
    number = int(value)
    if number < 0:
        raise ValueError
    return number


class Command(BaseCommand):
    help = (
        "Fill the database with a deterministic synthetic corpus (decisions, country-visit reports with "
        "recommendations, Alliance events and statements, files with extracted text), marked synthetic. "
        "--clear removes the synthetic records first (and only them)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--documents", type=positive_int, default=0, help="How many documents to generate.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same corpus.")
        parser.add_argument(
            "--text-kb", type=float, default=4.0, help="Average extracted text per attached file, in kB."
        )
        parser.add_argument("--clear", action="store_true", help="Remove the synthetic records first.")

    def handle(self, *args, documents, seed, text_kb, clear, **options):
        if text_kb < 0:
            raise CommandError("--text-kb cannot be negative.")
        if clear:
            removed = demo.clear_demo_corpus()
            self.stdout.write(f"Removed {removed:,} synthetic documents.")
        elif documents and demo.synthetic_count():
            raise CommandError(
                f"The database already holds {demo.synthetic_count():,} synthetic documents; "
                "add --clear to replace them."
            )
        if not documents:
            return
        started = time.perf_counter()
        self.stdout.write(f"Generating {documents:,} synthetic documents (seed {seed})...")
        try:
            created = demo.generate_demo_corpus(documents=documents, seed=seed, text_kb=text_kb, stdout=self.stdout)
        except ValueError as error:
            raise CommandError(str(error)) from None
        elapsed = time.perf_counter() - started
        for name, number in created.items():
            self.stdout.write(f"  {name}: {number:,}")
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.1f} s."))
