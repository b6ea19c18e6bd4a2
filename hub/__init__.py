"""naikkelas.hub: JupyterHub configuration as code, the authenticator, spawners and the CLI."""
