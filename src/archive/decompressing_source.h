// Streaming decompressors as ByteSources: each pulls compressed blocks from an inner ByteSource and
// yields plain bytes. Concatenated streams (pigz, pbzip2, multi-frame zstd, xz --concatenated) are
// read through. A stream that ends early or does not decode yields an error naming the format and
// how many bytes came out before the damage.
#pragma once

#include <memory>
#include <string_view>

#include "archive/byte_source.h"

namespace mv {

enum class Compression { kNone, kGzip, kXz, kZstd, kBzip2 };

// Classifies the first bytes of a stream (6 are enough) by magic number.
Compression DetectCompression(std::string_view head);
const char* CompressionName(Compression c);

// Wraps `inner` in the decompressor for `c` (returns `inner` itself for kNone).
std::unique_ptr<ByteSource> MakeDecompressingSource(Compression c,
                                                    std::unique_ptr<ByteSource> inner);

}  // namespace mv
