"""Records shared by the relay, the audit and the certificates, independent of where they are stored."""
