// The version of the JSON Lines record format (docs/schema/record.schema.json), written as
// `schema_version` at the start of every record so that a consumer holding records from several
// mailverify releases can tell the formats apart without the run manifest. Raise it when a field is
// renamed or removed or its meaning or type changes; a new optional field does not change it
// (consumers ignore members they do not know). The schema's `schema_version` const must match.
#pragma once

namespace mv {

inline constexpr int kRecordSchemaVersion = 1;

}  // namespace mv
