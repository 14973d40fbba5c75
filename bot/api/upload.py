"""Reading one uploaded file from a request body, streaming, with a byte limit.

Accepts `multipart/form-data` (the first part that has a filename, or a part named `file`) and any other
body as the raw file. The body is read chunk by chunk and multipart is parsed as it arrives, so at most
`max_bytes` of file content is ever held; a larger upload is refused with 413 as soon as the limit is
passed (or at once, from its Content-Length), never read to the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and small form fields around the file


@dataclass
class Upload:
    data: bytes
    filename: str | None
    content_type: str | None


class UploadTooLarge(Exception):
    pass


def too_large(max_bytes: int) -> HTTPException:
    mb = max_bytes / 2**20
    limit = f"{mb:.0f} MB" if mb >= 1 else f"{max_bytes // 1024} KB"
    return HTTPException(
        status_code=413,
        detail={
            "code": "too_large",
            "message": f"文件超过 {limit} 上限 / The file is larger than the {limit} limit",
            "limit_bytes": max_bytes,
        },
    )


def bad_upload(message_zh: str, message_en: str) -> HTTPException:
    return HTTPException(status_code=422, detail={"code": "bad_upload", "message": f"{message_zh} / {message_en}"})


async def read_upload(request: Request, max_bytes: int) -> Upload:
    """The uploaded file, or HTTPException 413 (too big) / 422 (a broken multipart body)."""
    content_type = request.headers.get("content-type", "")
    mime, options = parse_options_header(content_type)
    multipart = mime == b"multipart/form-data"
    allowed = max_bytes + (MULTIPART_OVERHEAD if multipart else 0)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > allowed:
        raise too_large(max_bytes)
    if not multipart:
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > max_bytes:
                raise too_large(max_bytes)
        name = request.query_params.get("filename")
        return Upload(bytes(data), name[:200] if name else None, content_type or None)
    boundary = options.get(b"boundary")
    if not boundary:
        raise bad_upload("multipart 请求缺少 boundary", "the multipart request has no boundary")
    reader = _MultipartFile(boundary, max_bytes)
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > allowed:
                raise too_large(max_bytes)
            reader.write(chunk)
        reader.finish()
    except UploadTooLarge:
        raise too_large(max_bytes) from None
    except MultipartParseError:
        raise bad_upload("multipart 请求格式错误", "the multipart body is malformed") from None
    if reader.file is None:
        raise bad_upload("请求中没有文件（字段名 file）", "the request carries no file (form field 'file')")
    return reader.file


class _MultipartFile:
    """Keeps the first file part; skips the others without storing them."""

    def __init__(self, boundary: bytes, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.file: Upload | None = None
        self._buffer = bytearray()
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, str] = {}
        self._keep = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": self._field,
                "on_header_value": self._value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_done,
                "on_part_data": self._data,
                "on_part_end": self._part_end,
            },
        )

    def write(self, chunk: bytes) -> None:
        self._parser.write(chunk)

    def finish(self) -> None:
        self._parser.finalize()

    def _part_begin(self) -> None:
        self._headers = {}
        self._keep = False

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_field.decode("latin-1").lower()] = self._header_value.decode("utf-8", "replace")
        self._header_field.clear()
        self._header_value.clear()

    def _headers_done(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", ""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        self._keep = self.file is None and (filename is not None or name == "file")
        if self._keep:
            self._buffer = bytearray()
            self._filename = filename.decode("utf-8", "replace")[:200] if filename else None

    def _data(self, data: bytes, start: int, end: int) -> None:
        if not self._keep:
            return
        self._buffer += data[start:end]
        if len(self._buffer) > self.max_bytes:
            raise UploadTooLarge

    def _part_end(self) -> None:
        if self._keep:
            self.file = Upload(bytes(self._buffer), self._filename, self._headers.get("content-type"))
            self._buffer = bytearray()
            self._keep = False
