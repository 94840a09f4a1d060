"""The archive in Datasette: metadata, plugin hooks and the app builder used by `archiver serve`."""
