"""Visitors of the public library: browsing, filtering, searching, reading
and downloading (whole files and resumed ranges). Run by tests/load/run.sh
against gunicorn with the production settings, on this machine only."""

import random
import re

from locust import HttpUser, between, events, task

WORDS = ["trafficking", "labour", "child", "victims", "prosecution", "protection", "Italy", "action plan"]
PATHS = {"details": [], "files": [], "countries": []}


@events.test_start.add_listener
def discover(environment, **kwargs):
    """Detail pages from the sitemap's sections, files from a few of them, once."""
    import requests

    host = environment.host
    headers = {"X-Forwarded-Proto": "https"}
    index = requests.get(f"{host}/sitemap.xml", headers=headers, timeout=30).text
    sitemap = "".join(
        requests.get(re.sub(r"^https?://[^/]+", host, section), headers=headers, timeout=30).text
        for section in re.findall(r"<loc>([^<]+)</loc>", index)
    )
    locations = [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    PATHS["details"] = [path for path in locations if re.search(r"/(decisions|reports|alliance/events|alliance/statements)/[^/]+/$", path)]
    PATHS["countries"] = [path for path in locations if path.startswith("/countries/") and path != "/countries/"]
    for path in random.Random(1).sample(PATHS["details"], min(40, len(PATHS["details"]))):
        page = requests.get(f"{host}{path}", headers=headers, timeout=30).text
        PATHS["files"].extend(set(re.findall(r'href="(/files/\d+/[^"]+)"', page)))
    if not PATHS["details"] or not PATHS["files"]:
        raise RuntimeError("The site has no published documents with files: run seed_demo first.")


class Visitor(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        # As the TLS-terminating proxy would say; otherwise production redirects to https.
        self.client.headers["X-Forwarded-Proto"] = "https"

    @task(3)
    def home(self):
        self.client.get("/")

    @task(4)
    def filtered_list(self):
        year = random.randint(1999, 2024)
        path, params = random.choice(
            [
                ("/decisions/", {"body": random.choice(["pc", "mc"]), "year_from": year}),
                ("/decisions/", {"ordering": "symbol", "page": random.randint(1, 3)}),
                ("/reports/", {"year": year}),
                ("/recommendations/", {"area": random.choice(["prevention", "protection", "prosecution"])}),
                ("/alliance/", {}),
                ("/countries/", {}),
            ]
        )
        self.client.get(path, params=params, name=path)

    @task(4)
    def search(self):
        self.client.get("/search/", params={"q": random.choice(WORDS)}, name="/search/?q=")

    @task(2)
    def search_decisions(self):
        self.client.get("/decisions/", params={"q": random.choice(WORDS)}, name="/decisions/?q=")

    @task(5)
    def detail(self):
        self.client.get(random.choice(PATHS["details"]), name="detail page")

    @task(1)
    def country(self):
        if PATHS["countries"]:
            self.client.get(random.choice(PATHS["countries"]), name="country dossier")

    @task(4)
    def download(self):
        self.client.get(random.choice(PATHS["files"]), name="file download")

    @task(1)
    def resume_download(self):
        with self.client.get(
            random.choice(PATHS["files"]), headers={"Range": "bytes=100-"}, name="file range", catch_response=True
        ) as response:
            if response.status_code != 206:
                response.failure(f"expected 206, got {response.status_code}")

    @task(1)
    def feed(self):
        self.client.get("/feeds/latest/")
