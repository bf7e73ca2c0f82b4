# Writes OUTPUT, a C++ file defining `extern const char* const sc_default_schema_json`, from INPUT.
file(READ ${INPUT} CONTENT)
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; do not edit.\nextern const char* const sc_default_schema_json;\nconst char* const sc_default_schema_json = R\"sc_embed(${CONTENT})sc_embed\";\n")
