"""One requests.Session factory: polite headers, timeouts, retries, per-host rate limits.

Configured once, here (compare pyalex's ``config``): a User-Agent naming the project and
``REVIEW_MAILTO``; connect/read timeouts on every request; retries with exponential backoff on
429/5xx and network errors that honour ``Retry-After``; a token bucket per host that also adapts
to ``x-rate-limit-*`` headers (Crossref). Errors become ``SourceError``s naming source and URL.
Secrets (API keys) never appear in messages or stored URLs: see ``redact_url``.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from review import __version__, interrupt, settings
from review.errors import BadResponse, QuotaExhausted, RateLimited, SourceUnavailable
from review.settings import mailto

# A host that does not resolve, refuses the connection or has no route will not answer in the
# next seconds either: such failures are retried once, not with the full backoff.
_HOPELESS = re.compile(
    r"Name or service not known|Temporary failure in name resolution|nodename nor servname|"
    r"getaddrinfo failed|No address associated with hostname|Connection refused|"
    r"Network is unreachable|No route to host"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SECRET_PARAMS = frozenset({"api_key", "apikey", "key", "token_secret", "x-api-key"})
SECRET_HEADERS = frozenset({"x-api-key", "authorization", "crossref-plus-api-token"})


def user_agent() -> str:
    """``review/<version> (+project URL; mailto:...)``: what polite APIs ask for."""
    contact = f"; mailto:{mailto()}" if mailto() else ""
    return f"review/{__version__} (https://github.com/review-evidence/review{contact})"


def redact_url(url: str) -> str:
    """The URL with secret query parameters (``api_key`` …) replaced by ``***``."""
    parts = urlsplit(url)
    query = [
        (key, "***" if key.lower() in SECRET_PARAMS else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe='*:,"()/')))


class TokenBucket:
    """A thread-safe token bucket: ``rate`` requests per second with bursts up to ``burst``."""

    def __init__(
        self, rate: float, burst: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._tokens, self._last = burst, clock()
        self._lock = threading.Lock()

    def delay(self) -> float:
        """Take one token; return how long the caller must sleep before sending."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def set_rate(self, rate: float) -> None:
        """Adopt a rate the server announced (never faster than configured)."""
        with self._lock:
            self.rate = min(self.rate, rate) if rate > 0 else self.rate


@dataclass
class HttpConfig:
    """Politeness and retry settings for one source's session."""

    source: str
    rate_per_second: float = 1.0
    burst: float = 1.0
    timeout: tuple[float, float] = (10.0, 60.0)
    max_retries: int = 5
    backoff: float = 1.0
    max_backoff: float = 120.0
    headers: dict[str, str] = field(default_factory=dict)
    # Decides whether a 429 means "quota used up for today" (stop) rather than "slow down".
    quota_exhausted: Callable[[requests.Response], bool] | None = None
    # Waits (rate limit, backoff) end at once when the run is asked to stop.
    sleep: Callable[[float], None] = interrupt.sleep


def retry_after_seconds(response: requests.Response) -> float | None:
    """Seconds the server asked us to wait (``Retry-After`` as seconds or HTTP date)."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def announced_rate(response: requests.Response) -> float | None:
    """Requests per second announced by ``x-rate-limit-limit``/``-interval`` (Crossref)."""
    limit = response.headers.get("x-rate-limit-limit")
    interval = response.headers.get("x-rate-limit-interval", "1s")
    try:
        seconds = float(interval.rstrip("s") or 1)
        return float(limit) / seconds if limit else None
    except ValueError:
        return None


def _reason(error: Exception | None) -> str:
    """The useful tail of a requests/urllib3 error ("[Errno 111] Connection refused")."""
    text = str(error or "no response")
    found = re.findall(r"\[Errno -?\d+\][^'\")]*|Read timed out|timed out", text)
    return found[-1].strip() if found else type(error).__name__


class PoliteSession(requests.Session):
    """A Session that paces, retries and translates failures into SourceErrors."""

    def __init__(self, config: HttpConfig) -> None:
        super().__init__()
        self.config = config
        self.bucket = TokenBucket(config.rate_per_second, config.burst)
        self.headers.update({"User-Agent": user_agent(), **config.headers})

    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        kwargs.setdefault("timeout", self.config.timeout)
        attempt = 0
        while True:
            self.config.sleep(self.bucket.delay())
            response, error = self._send_once(method, url, *args, **kwargs)
            if response is not None and response.status_code not in RETRY_STATUSES:
                self._adapt_rate(response)
                if response.status_code >= 400:
                    raise self._http_error(response)
                return response
            attempt += 1
            self._check_giving_up(attempt, response, error, url)
            self.config.sleep(self._wait(attempt, response))

    def _send_once(
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> tuple[requests.Response | None, Exception | None]:
        try:
            return super().request(method, url, *args, **kwargs), None
        except (requests.ConnectionError, requests.Timeout) as exc:
            return None, exc

    def _check_giving_up(
        self,
        attempt: int,
        response: requests.Response | None,
        error: Exception | None,
        url: str,
    ) -> None:
        source, shown = self.config.source, redact_url(response.url if response else url)
        if response is not None and response.status_code == 429:
            quota = self.config.quota_exhausted
            if quota is not None and quota(response):
                raise QuotaExhausted(
                    f"{source}: daily quota or credits used up at {shown}; it resets at the "
                    "API's reset time (check your API key and plan); not retrying",
                    source=source,
                    url=shown,
                )
        # Two tries, then let the caller (the flow's task retry, if any) try again later.
        hopeless = response is None and _HOPELESS.search(str(error)) is not None
        if attempt <= (min(1, self.config.max_retries) if hopeless else self.config.max_retries):
            return
        if response is None:
            raise SourceUnavailable(
                f"{source}: cannot reach {shown.split('?')[0]} after {attempt} attempts "
                f"({_reason(error)}); check the network, proxy settings and "
                f"REVIEW_{source.upper()}_BASE_URL",
                source=source,
                url=shown,
            )
        if response.status_code == 429:
            raise RateLimited(
                f"{source}: still rate-limited (HTTP 429) at {shown} after {attempt} attempts; "
                "try later, or with an API key",
                source=source,
                url=shown,
            )
        raise self._http_error(response)

    def _wait(self, attempt: int, response: requests.Response | None) -> float:
        asked = retry_after_seconds(response) if response is not None else None
        if asked is not None:
            return min(asked, self.config.max_backoff)
        backoff = self.config.backoff * 2 ** (attempt - 1)
        return min(backoff * (0.5 + random.random() / 2), self.config.max_backoff)

    def _adapt_rate(self, response: requests.Response) -> None:
        rate = announced_rate(response)
        if rate:
            self.bucket.set_rate(rate)

    def _http_error(self, response: requests.Response) -> BadResponse:
        shown = redact_url(response.url)
        snippet = " ".join(response.text[:200].split())
        return BadResponse(
            f"{self.config.source}: HTTP {response.status_code} from {shown}: {snippet}",
            source=self.config.source,
            url=shown,
        )


def make_session(config: HttpConfig) -> PoliteSession:
    """A new polite session for one source.

    ``REVIEW_HTTP_RETRIES``, ``REVIEW_HTTP_BACKOFF`` and ``REVIEW_HTTP_TIMEOUT`` (seconds)
    override the source's defaults, e.g. for quick trial runs or tests of an outage.
    """
    retries, backoff = settings.http_retries(), settings.http_backoff()
    timeout = settings.http_timeout()
    if retries is not None:
        config.max_retries = retries
    if backoff is not None:
        config.backoff = backoff
    if timeout is not None:
        config.timeout = (config.timeout[0], timeout)
    return PoliteSession(config)


def with_params(params: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """Merge request parameters, dropping the ones whose value is None."""
    merged = {**params, **extra}
    return {key: value for key, value in merged.items() if value is not None}
