# Writes OUTPUT, a C++ file defining `extern const char* const SYMBOL` (default
# sc_default_schema_json), from INPUT.
if(NOT SYMBOL)
  set(SYMBOL sc_default_schema_json)
endif()
file(READ ${INPUT} CONTENT)
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; do not edit.\nextern const char* const ${SYMBOL};\nconst char* const ${SYMBOL} = R\"sc_embed(${CONTENT})sc_embed\";\n")
