"""Local SQLite store: models, engine set-up, migrations, search index. No Qt."""
