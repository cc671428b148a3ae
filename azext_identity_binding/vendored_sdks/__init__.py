# Hand-written ARM clients, one package per api-version, so that moving to a new version
# touches one folder.
