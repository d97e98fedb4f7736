//! Statistics (owned by the stats helper).
