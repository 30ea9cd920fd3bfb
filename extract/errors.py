"""Named errors of the pipeline. Each message names the file and says what is wrong."""

from __future__ import annotations


class ReportError(Exception):
    """A report could not be read; ``str(error)`` is one line naming the file and the reason."""

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFile(ReportError):
    """The file's extension is not one the readers handle."""


class EmptyFile(ReportError):
    """The file holds no text at all."""


class UndecodableText(ReportError):
    """A text file is neither UTF-8 nor clean cp1252."""


class CorruptPDF(ReportError):
    """pdfium could not open the PDF."""


class EncryptedPDF(ReportError):
    """The PDF needs a password."""


class ScannedPDF(ReportError):
    """The PDF has no text layer (image-only pages): it needs OCR first."""


class TooLarge(ReportError):
    """The file is larger than the configured limit."""


class CatalogueError(ValueError):
    """The indicator catalogue does not validate."""


class GoldError(ValueError):
    """A gold annotation file does not validate; ``problems`` lists every item at fault."""

    def __init__(self, path: object, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{self.path}: " + "; ".join(problems))


class StorageError(Exception):
    """The database cannot be written (disk full, read-only, locked too long, not a database)."""

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
