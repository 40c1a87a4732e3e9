"""Use cases: one public function per user action, each in ONE transaction that writes the
domain rows, the dossier's event and the outbox row together. The UI and CLI call these."""
