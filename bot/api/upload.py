"""Reading uploaded files from a request body, streaming, with a byte limit.

`read_upload` accepts `multipart/form-data` (the first part that has a filename, or a part named `file`)
and any other body as the raw file; `read_uploads` keeps every file part of a multipart form (up to a
count) and its small text fields. The body is read chunk by chunk and multipart is parsed as it arrives,
so at most `max_bytes` of file content is ever held; a larger upload is refused with 413 as soon as the
limit is passed (or at once, from its Content-Length), never read to the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and small form fields around the file
MAX_FIELD_BYTES = 4096  # a text field of an upload form (a folder name, a version)


@dataclass
class Upload:
    data: bytes
    filename: str | None
    content_type: str | None


@dataclass
class UploadForm:
    files: list[Upload]
    fields: dict[str, str]


class UploadTooLarge(Exception):
    pass


class TooManyFiles(Exception):
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


def _refuse_declared_over(request: Request, allowed: int, max_bytes: int) -> None:
    """413 before reading anything when the declared length is already over the cap."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > allowed:
        raise too_large(max_bytes)


async def read_upload(request: Request, max_bytes: int) -> Upload:
    """The uploaded file, or HTTPException 413 (too big) / 422 (a broken multipart body)."""
    content_type = request.headers.get("content-type", "")
    mime, options = parse_options_header(content_type)
    multipart = mime == b"multipart/form-data"
    allowed = max_bytes + (MULTIPART_OVERHEAD if multipart else 0)
    _refuse_declared_over(request, allowed, max_bytes)
    if not multipart:
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > max_bytes:
                raise too_large(max_bytes)
        name = request.query_params.get("filename")
        return Upload(bytes(data), name[:200] if name else None, content_type or None)
    reader = await _read_multipart(request, options.get(b"boundary"), max_bytes, allowed, max_files=1)
    if not reader.files:
        raise bad_upload("请求中没有文件（字段名 file）", "the request carries no file (form field 'file')")
    return reader.files[0]


async def read_uploads(request: Request, max_bytes: int, max_files: int) -> UploadForm:
    """Every file of a multipart form (together at most `max_bytes`) and its text fields.

    413 when the files are too big, 422 when the body is not multipart, holds more than `max_files` files
    or none at all.
    """
    mime, options = parse_options_header(request.headers.get("content-type", ""))
    if mime != b"multipart/form-data":
        raise bad_upload("请以 multipart/form-data 上传文件", "send the files as multipart/form-data")
    allowed = max_bytes + MULTIPART_OVERHEAD
    _refuse_declared_over(request, allowed, max_bytes)
    reader = await _read_multipart(request, options.get(b"boundary"), max_bytes, allowed, max_files=max_files,
                                   refuse_extra=True)
    if not reader.files:
        raise bad_upload("请求中没有文件", "the request carries no file")
    return UploadForm(reader.files, reader.fields)


async def _read_multipart(request: Request, boundary: bytes | None, max_bytes: int, allowed: int, *,
                          max_files: int, refuse_extra: bool = False) -> _MultipartFiles:
    if not boundary:
        raise bad_upload("multipart 请求缺少 boundary", "the multipart request has no boundary")
    reader = _MultipartFiles(boundary, max_bytes, max_files, refuse_extra)
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
    except TooManyFiles:
        raise bad_upload(f"一次最多上传 {max_files} 个文件", f"at most {max_files} files per upload") from None
    except MultipartParseError:
        raise bad_upload("multipart 请求格式错误", "the multipart body is malformed") from None
    return reader


class _MultipartFiles:
    """Keeps the first `max_files` file parts (the others are skipped unread, or refused) and small fields."""

    def __init__(self, boundary: bytes, max_bytes: int, max_files: int = 1, refuse_extra: bool = False) -> None:
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.refuse_extra = refuse_extra
        self.files: list[Upload] = []
        self.fields: dict[str, str] = {}
        self._held = 0
        self._field_name: str | None = None
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
        is_file = filename is not None or name == "file"
        if is_file and len(self.files) >= self.max_files and self.refuse_extra:
            raise TooManyFiles
        self._keep = is_file and len(self.files) < self.max_files
        self._field_name = name if not is_file and len(self.fields) < 20 else None
        self._buffer = bytearray()
        if self._keep:
            self._filename = filename.decode("utf-8", "replace")[:200] if filename else None

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._keep:
            self._buffer += data[start:end]
            if self._held + len(self._buffer) > self.max_bytes:
                raise UploadTooLarge
        elif self._field_name is not None and len(self._buffer) <= MAX_FIELD_BYTES:
            self._buffer += data[start:end]

    def _part_end(self) -> None:
        if self._keep:
            self.files.append(Upload(bytes(self._buffer), self._filename, self._headers.get("content-type")))
            self._held += len(self._buffer)
            self._keep = False
        elif self._field_name is not None:
            self.fields[self._field_name] = bytes(self._buffer[:MAX_FIELD_BYTES]).decode("utf-8", "replace")
            self._field_name = None
        self._buffer = bytearray()
