"""News Archiver: archive news sites with their reader comments and publisher footers."""

__version__ = "0.1.0"
EXTRACTOR_VERSION = f"archiver {__version__}"
