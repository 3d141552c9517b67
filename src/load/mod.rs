//! Loading zone files: memory-mapped input, the lexer, the parser of records
//! and directives (`$ORIGIN`, `$TTL`, `$INCLUDE`), and error spans.

pub mod token;
