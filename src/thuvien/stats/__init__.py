"""Library statistics: forms as versioned data, reports with their workflow, validation,
aggregation, dashboards and exports (TT 16/2022/TT-BVHTTDL, TCVN 12843:2019 = ISO 2789)."""
