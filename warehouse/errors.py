"""Named errors of the warehouse core; the CLI turns them into messages and exit codes."""


class WarehouseError(Exception):
    """Base class of every error the warehouse reports to its users."""


class UnsupportedFormat(WarehouseError):
    """A file is none of the supported formats (`warehouse.formats.registry.FORMATS`)."""


class UndecodableText(UnsupportedFormat):
    """A text file that is neither UTF-8 (or UTF-16) nor reliably Latin-1/cp1252: rejected whole."""


class DamagedFile(WarehouseError):
    """A file of a known format cannot be read to its end (truncated gzip, broken XML)."""


class MalformedRecord(WarehouseError):
    """One record cannot be read; it goes to `rejects` and the rest of the file loads."""

    def __init__(self, reason: str, pmid: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pmid = pmid


class WarehouseLocked(WarehouseError):
    """Another process is writing to the warehouse file."""


class StorageError(WarehouseError):
    """The warehouse file cannot be opened, read or written (damaged, disk full, read-only)."""


class ConfigError(WarehouseError):
    """A setting or argument is unusable."""


class DownloadFailed(WarehouseError):
    """A mirror file could not be listed or downloaded (HTTP error, timeout, broken stream)."""


class HostUnreachable(DownloadFailed):
    """A server's name does not resolve or it refuses connections: not retried, the run stops."""


class ChecksumMismatch(DownloadFailed):
    """A downloaded file's MD5 differs from the mirror's `.md5`; the file is discarded."""


class UnknownDescriptor(WarehouseError):
    """A MeSH descriptor name that no article in the warehouse is indexed with."""


class EutilsError(DownloadFailed):
    """E-utilities kept answering badly (429, 5xx, broken or truncated answers) after retries."""


class EutilsRefused(EutilsError):
    """E-utilities refused a request (4xx other than 429: a bad key or parameter); not retried."""


class PmidSourceError(WarehouseError):
    """An argument or file given to `fetch` holds no usable PMIDs."""


class MemoryLimitTooLow(StorageError):
    """A file's apply needs more memory than the load memory limit allows; nothing was changed."""


class HalfAppliedFile(StorageError):
    """A file applied in chunks was stopped between chunks: only a load of it may run next."""


class AggregatesPending(StorageError):
    """Articles' contribution to the aggregates is not added yet (a writer run was stopped
    before settling it): the readers' copy is not published until a writer adds it."""


class OlderVocabulary(WarehouseError):
    """A MeSH file of an earlier year than the vocabulary already loaded; it is not applied."""


class DestinationInUse(WarehouseError):
    """A path a command would write holds the user's own files; it is left untouched."""
