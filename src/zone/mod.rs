//! The zone model: names, types, RDATA codecs, records and RRsets, and the
//! classification of every owner (apex, delegation, glue, occluded, ENT).

pub mod name;
pub mod rdata;
pub mod rtype;
