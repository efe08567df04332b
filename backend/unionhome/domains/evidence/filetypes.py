"""File types the archive knows, and sniffing of the real type from the bytes (magic numbers).

The extension and the Content-Type a client sends are claims; `sniff()` decides from the content,
and recognises what must never be archived (executables, HTML/scripts, macro documents) so the
rejection can say what the file really is. Pure Python, no libmagic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@dataclass(frozen=True)
class FileType:
    mime: str
    label: str
    extensions: tuple[str, ...]
    family: str  # types of one family are interchangeable (HEIC/HEIF)


FILE_TYPES: dict[str, FileType] = {t.mime: t for t in (
    FileType("image/jpeg", "JPEG 图片", (".jpg", ".jpeg", ".jpe", ".jfif"), "jpeg"),
    FileType("image/png", "PNG 图片", (".png",), "png"),
    FileType("image/webp", "WebP 图片", (".webp",), "webp"),
    FileType("image/gif", "GIF 图片", (".gif",), "gif"),
    FileType("image/heic", "HEIC 图片", (".heic", ".heif"), "heif"),
    FileType("image/heif", "HEIF 图片", (".heif", ".heic"), "heif"),
    FileType("application/pdf", "PDF 文档", (".pdf",), "pdf"),
    FileType("application/ofd", "OFD 版式文档", (".ofd",), "ofd"),
    FileType(DOCX, "Word 文档（.docx）", (".docx",), "docx"),
    FileType(XLSX, "Excel 表格（.xlsx）", (".xlsx",), "xlsx"),
    FileType(PPTX, "PowerPoint 演示文稿（.pptx）", (".pptx",), "pptx"),
)}

MIME_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png",
                "application/x-pdf": "application/pdf", "image/heic-sequence": "image/heic",
                "image/heif-sequence": "image/heif"}

# Extensions refused outright, with the reason (the allow-list refuses everything else anyway).
DANGEROUS_EXTENSIONS = frozenset({
    ".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".js", ".jse", ".wsf",
    ".hta", ".lnk", ".jar", ".apk", ".sh", ".elf", ".bin", ".app", ".dmg", ".pif", ".cpl", ".reg",
    ".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".mht", ".mhtml", ".php", ".asp", ".aspx",
    ".jsp", ".docm", ".xlsm", ".pptm", ".dotm", ".xltm",
})

EXECUTABLE, WEB, MACRO = "executable", "web", "macro"


@dataclass(frozen=True)
class Sniffed:
    mime: str | None  # a type of FILE_TYPES, when recognised as one
    label: str  # what the bytes really are, for messages
    danger: str | None = None  # EXECUTABLE / WEB / MACRO


def normalize_mime(value: str | None) -> str:
    mime = (value or "").split(";", 1)[0].strip().lower()
    return MIME_ALIASES.get(mime, mime)


def extension_of(filename: str) -> str:
    _, dot, ext = filename.rpartition(".")
    return f".{ext.lower()}" if dot and ext and _ else ""


def type_for_extension(ext: str) -> FileType | None:
    for t in FILE_TYPES.values():
        if ext in t.extensions:
            return t
    return None


def same_family(a: str | None, b: str | None) -> bool:
    ta, tb = FILE_TYPES.get(a or ""), FILE_TYPES.get(b or "")
    return ta is not None and tb is not None and ta.family == tb.family


def label_of(mime: str | None) -> str:
    t = FILE_TYPES.get(mime or "")
    return t.label if t else (mime or "未知类型")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_RESERVED = re.compile(r'[<>:"|?*]')  # not allowed in Windows file names (zip entries get extracted there)


def clean_filename(raw: str, max_length: int = 200) -> str:
    """The last path component, without control/format characters, trimmed, at most `max_length`
    characters (the extension kept). Empty when nothing usable is left."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    name = _CONTROL.sub("", name)
    name = _RESERVED.sub("_", name).strip().strip(".").strip()
    if len(name) > max_length:
        ext = extension_of(name)
        name = name[: max_length - len(ext)] + ext
    return name


# ---------------------------------------------------------------------------------------------
# sniffing

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_HEIF_GENERIC = {b"mif1", b"msf1"}
_VIDEO_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"qt  ", b"M4V ", b"3gp4", b"3gp5", b"dash"}
_MACHO = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_HTML = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|script|iframe|frameset|svg|object|embed|meta|title|style|img|"
    rb"a\s|div|form|link|base|\?xml)", re.IGNORECASE)


def sniff(head: bytes, zip_names: Callable[[], list[str] | None] | None = None) -> Sniffed:
    """What the bytes are. `head` is the start of the file (4 KB is plenty); `zip_names` lists the
    entries of a ZIP-based file (None if the archive is unreadable), called only for ZIPs."""
    if not head:
        return Sniffed(None, "空文件")
    if head[:2] == b"MZ":
        return Sniffed(None, "Windows 可执行程序", EXECUTABLE)
    if head[:4] == b"\x7fELF":
        return Sniffed(None, "Linux 可执行程序", EXECUTABLE)
    if head[:4] in _MACHO:
        return Sniffed(None, "macOS/Java 可执行程序", EXECUTABLE)
    if head[:2] == b"#!":
        return Sniffed(None, "脚本程序", EXECUTABLE)
    if head[:8] == b"L\x00\x00\x00\x01\x14\x02\x00":
        return Sniffed(None, "Windows 快捷方式", EXECUTABLE)
    if head[:3] == b"\xff\xd8\xff":
        return Sniffed("image/jpeg", "JPEG 图片")
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return Sniffed("image/png", "PNG 图片")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image/gif", "GIF 图片")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image/webp", "WebP 图片")
    if head[4:8] == b"ftyp":
        return _sniff_iso_bmff(head)
    if b"%PDF-" in head[:1024]:
        return Sniffed("application/pdf", "PDF 文档")
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _sniff_zip(zip_names() if zip_names else None)
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return Sniffed(None, "旧版 Office 文档或安装包（.doc/.xls/.msi），请另存为 .docx/.xlsx 后上传")
    if head[:4] in (b"Rar!", b"7z\xbc\xaf") or head[:2] == b"\x1f\x8b":
        return Sniffed(None, "压缩包")
    text = head[:2048].lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff\x00 \t\r\n")
    if _HTML.search(text[:1024].replace(b"\x00", b"")):
        return Sniffed(None, "网页（HTML/SVG/XML）", WEB)
    if b"\x00" not in head[:1024]:
        return Sniffed(None, "纯文本文件")
    return Sniffed(None, "无法识别的文件")


def _sniff_iso_bmff(head: bytes) -> Sniffed:
    major = head[8:12]
    compatible = {head[i:i + 4] for i in range(16, min(len(head), int.from_bytes(head[:4], "big")), 4)}
    if major in (b"avif", b"avis") or (major in _HEIF_GENERIC and b"avif" in compatible):
        return Sniffed(None, "AVIF 图片")
    if major in _HEIF_BRANDS:
        return Sniffed("image/heic", "HEIC 图片")
    if major in _HEIF_GENERIC:
        return Sniffed("image/heif", "HEIF 图片")
    if major in _VIDEO_BRANDS:
        return Sniffed(None, "视频文件")
    return Sniffed(None, "无法识别的媒体文件")


def _sniff_zip(names: list[str] | None) -> Sniffed:
    if names is None:
        return Sniffed(None, "损坏的压缩文件或文档")
    lower = {n.lower() for n in names}
    if any(n.endswith("vbaproject.bin") for n in lower):
        return Sniffed(None, "含宏代码的 Office 文档", MACRO)
    if "meta-inf/manifest.mf" in lower or "androidmanifest.xml" in lower or "classes.dex" in lower:
        return Sniffed(None, "Java/安卓程序包", EXECUTABLE)
    if "[content_types].xml" in lower:
        if any(n.startswith("word/") for n in lower):
            return Sniffed(DOCX, "Word 文档（.docx）")
        if any(n.startswith("xl/") for n in lower):
            return Sniffed(XLSX, "Excel 表格（.xlsx）")
        if any(n.startswith("ppt/") for n in lower):
            return Sniffed(PPTX, "PowerPoint 演示文稿（.pptx）")
    if "ofd.xml" in lower:
        return Sniffed("application/ofd", "OFD 版式文档")
    return Sniffed(None, "ZIP 压缩包")
