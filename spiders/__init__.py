"""Scrapy spiders of the News Archiver project."""
