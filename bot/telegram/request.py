"""python-telegram-bot's requests to the Bot API sent with aiohttp instead of httpx.

python-telegram-bot takes any `BaseRequest` for its networking: everything above it (methods,
parameters, answers read, errors raised, pacing) is its own, unchanged. httpx cost this bot
about 1.1 ms of CPU per message sent, over half of answering one (its pool checks every kept
connection, twice-written requests, cookies read from every answer: py-spy under
bench.telegram_throughput); aiohttp, its HTTP parsing in C, about 0.35 ms.
"""

from __future__ import annotations

import ssl
from typing import Any
from urllib.parse import urlencode

import aiohttp
import certifi
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

FORM = "application/x-www-form-urlencoded"
Proxy = tuple[URL | None, aiohttp.BasicAuth | None]


class AiohttpRequest(BaseRequest):
    """HTTPXRequest's part, with its defaults: keep-alive connections up to `connections`, the
    proxy from the environment, certificates checked against certifi's list (as httpx does).
    aiohttp does not time writing and waiting for a connection apart: waiting for one counts
    towards connecting, and the whole request is bounded by the sum of the four timeouts."""

    def __init__(
        self,
        connections: int = 1,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self.connections = connections
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, Proxy] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            certificates = ssl.create_default_context(cafile=certifi.where())
            connector = aiohttp.TCPConnector(limit=self.connections, ssl=certificates)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else {}
        write = self._write_timeout if not files else self._media_write_timeout
        timeout = _timeout(
            _given(read_timeout, self._read_timeout),
            _given(write_timeout, write),
            _given(connect_timeout, self._connect_timeout),
            _given(pool_timeout, self._pool_timeout),
        )
        headers = {"User-Agent": self.USER_AGENT}
        body: Any = None
        if files:
            body = aiohttp.FormData(fields)
            for name, (filename, content, mime) in files.items():
                body.add_field(name, content, filename=filename, content_type=mime)
        elif fields:
            # Encoded here: aiohttp's FormData makes a multipart writer (and a uuid) for each.
            body = urlencode(fields).encode()
            headers["Content-Type"] = FORM
        proxy, proxy_auth = self._proxy(url)
        try:
            async with self._session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=timeout,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err

    def _proxy(self, url: str) -> Proxy:
        """The environment's proxy for the URL's host (HTTPS_PROXY, NO_PROXY, ~/.netrc), looked
        up once per host: aiohttp's trust_env looks it up on a thread for every request."""
        origin = url[: url.find("/", url.find("//") + 2)]
        found = self._proxies.get(origin)
        if found is None:
            try:
                found = self._proxies[origin] = get_env_proxy_for_url(URL(url))
            except LookupError:
                found = self._proxies[origin] = (None, None)
        return found


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _timeout(
    read: float | None, write: float | None, connect: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    parts = (read, write, connect, pool)
    total = None if None in parts else sum(p for p in parts if p is not None)
    waiting = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(total=total, connect=waiting, sock_connect=connect, sock_read=read)
