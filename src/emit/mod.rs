//! Writing zones: the text writer and atomic replacement of the output.
