"""Cron schedules of sources and the scheduler that runs them (`archiver schedule`, `archiver scheduler`).

`cron` (pure croniter helpers), `plan` (pure: is a source due, when next), `book` (what the
scheduler keeps in the archive), `process` (crawl child processes), `loop` (the scheduler),
`service` (signals and the foreground loop), `status` (what `schedule list` shows).
"""
