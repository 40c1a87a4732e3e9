"""Full-text index over the folded owner name, id number, phone and dossier code.

SQLite's remove_diacritics does not fold đ, so the indexed column is already folded in Python
(app.core.text.fold). The update trigger fires only when that column changes, so status changes
do not churn the index.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STATEMENTS = [
    "CREATE VIRTUAL TABLE dossier_fts USING fts5(search_text, content='dossier', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER dossier_fts_ai AFTER INSERT ON dossier BEGIN "
    "INSERT INTO dossier_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER dossier_fts_ad AFTER DELETE ON dossier BEGIN "
    "INSERT INTO dossier_fts(dossier_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER dossier_fts_au AFTER UPDATE OF search_text ON dossier BEGIN "
    "INSERT INTO dossier_fts(dossier_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO dossier_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO dossier_fts(dossier_fts) VALUES ('rebuild')",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for name in ("dossier_fts_ai", "dossier_fts_ad", "dossier_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS dossier_fts")
