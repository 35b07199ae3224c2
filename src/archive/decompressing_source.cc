#include "archive/decompressing_source.h"

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

namespace mv {

namespace {

constexpr size_t kInputBlock = size_t{1} << 20;
// zlib and libbz2 count in unsigned int.
constexpr size_t kMaxStep = size_t{1} << 30;

// Shared plumbing: the compressed input block and how output is accounted for in error messages.
// Each subclass's Decode() runs its library until `dst` is full or the stream ends.
class Decompressor : public ByteSource {
 public:
  Decompressor(std::unique_ptr<ByteSource> inner, const char* name)
      : inner_(std::move(inner)), name_(name), in_(new char[kInputBlock]) {}

  Result<size_t> Read(char* dst, size_t cap) override {
    if (!error_.ok()) return error_;
    if (done_ || cap == 0) return size_t{0};
    size_t n = 0;
    Status st = Decode(dst, std::min(cap, kMaxStep), &n);
    out_total_ += n;
    if (!st.ok()) {
      // Hand on what decoded before the damage; the error comes with the next call.
      error_ = Status::Error(st.message());
      if (n > 0) return n;
      return error_;
    }
    return n;
  }

 protected:
  // Decodes into dst until it is full or the stream ends; *produced is set on every return,
  // errors included, so the bytes decoded before damage are still handed on.
  virtual Status Decode(char* dst, size_t cap, size_t* produced) = 0;

  // Refills the input block when it is used up; false at the end of the compressed stream.
  Result<bool> FillInput(const char** next, size_t* avail) {
    if (*avail > 0) return true;
    if (in_eof_) return false;
    Result<size_t> r = inner_->Read(in_.get(), kInputBlock);
    if (!r.ok()) return r.status();
    if (*r == 0) {
      in_eof_ = true;
      return false;
    }
    *next = in_.get();
    *avail = *r;
    return true;
  }

  Status Truncated(size_t produced_now) const {
    return Status::Error("truncated " + std::string(name_) + " stream after " +
                         std::to_string(out_total_ + produced_now) + " bytes of output");
  }
  Status Corrupt(size_t produced_now, const std::string& why) const {
    return Status::Error("corrupt " + std::string(name_) + " stream after " +
                         std::to_string(out_total_ + produced_now) + " bytes of output: " + why);
  }

  std::unique_ptr<ByteSource> inner_;
  const char* name_;
  std::unique_ptr<char[]> in_;
  bool in_eof_ = false;
  bool done_ = false;
  uint64_t out_total_ = 0;
  Status error_;
};

class GzipSource : public Decompressor {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> inner) : Decompressor(std::move(inner), "gzip") {
    std::memset(&zs_, 0, sizeof zs_);
    init_rc_ = inflateInit2(&zs_, 15 + 16);
  }
  ~GzipSource() override { inflateEnd(&zs_); }

 protected:
  Status Decode(char* dst, size_t cap, size_t* produced) override {
    zs_.next_out = reinterpret_cast<Bytef*>(dst);
    zs_.avail_out = static_cast<uInt>(cap);
    Status st = Run(cap);
    *produced = cap - zs_.avail_out;  // errors too: what decoded before the damage counts
    return st;
  }

 private:
  Status Run(size_t cap) {
    if (init_rc_ != Z_OK) return Corrupt(0, "zlib initialisation failed");
    auto made = [&] { return cap - zs_.avail_out; };
    while (zs_.avail_out > 0) {
      const char* next = reinterpret_cast<const char*>(zs_.next_in);
      size_t avail = zs_.avail_in;
      Result<bool> more = FillInput(&next, &avail);
      if (!more.ok()) return more.status();
      zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(next));
      zs_.avail_in = static_cast<uInt>(avail);
      if (member_done_) {
        if (!*more) {  // clean end after the last member
          done_ = true;
          break;
        }
        inflateReset(&zs_);  // another member follows (pigz, cat a.gz b.gz)
        member_done_ = false;
      }
      if (!*more) return Truncated(made());
      uInt in_before = zs_.avail_in;
      uInt out_before = zs_.avail_out;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_done_ = true;
      } else if (rc == Z_BUF_ERROR && zs_.avail_in == in_before && zs_.avail_out == out_before) {
        return Corrupt(made(), "inflate made no progress");
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Corrupt(made(), zs_.msg ? zs_.msg : "inflate error " + std::to_string(rc));
      }
    }
    return Status::Ok();
  }

  z_stream zs_;
  int init_rc_;
  bool member_done_ = false;
};

class XzSource : public Decompressor {
 public:
  explicit XzSource(std::unique_ptr<ByteSource> inner) : Decompressor(std::move(inner), "xz") {
    init_rc_ = lzma_stream_decoder(&ls_, UINT64_MAX, LZMA_CONCATENATED);
  }
  ~XzSource() override { lzma_end(&ls_); }

 protected:
  Status Decode(char* dst, size_t cap, size_t* produced) override {
    ls_.next_out = reinterpret_cast<uint8_t*>(dst);
    ls_.avail_out = cap;
    Status st = Run(cap);
    *produced = cap - ls_.avail_out;
    return st;
  }

 private:
  Status Run(size_t cap) {
    if (init_rc_ != LZMA_OK) return Corrupt(0, "liblzma initialisation failed");
    auto made = [&] { return cap - ls_.avail_out; };
    while (ls_.avail_out > 0) {
      const char* next = reinterpret_cast<const char*>(ls_.next_in);
      size_t avail = ls_.avail_in;
      Result<bool> more = FillInput(&next, &avail);
      if (!more.ok()) return more.status();
      ls_.next_in = reinterpret_cast<const uint8_t*>(next);
      ls_.avail_in = avail;
      size_t out_before = ls_.avail_out;
      lzma_ret rc = lzma_code(&ls_, *more ? LZMA_RUN : LZMA_FINISH);
      if (rc == LZMA_STREAM_END) {
        done_ = true;
        break;
      }
      if (rc == LZMA_BUF_ERROR || (!*more && rc == LZMA_OK && ls_.avail_out == out_before)) {
        return Truncated(made());
      }
      if (rc != LZMA_OK) return Corrupt(made(), "liblzma error " + std::to_string(rc));
    }
    return Status::Ok();
  }

  lzma_stream ls_ = LZMA_STREAM_INIT;
  lzma_ret init_rc_;
};

class ZstdSource : public Decompressor {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> inner)
      : Decompressor(std::move(inner), "zstd"), ds_(ZSTD_createDStream()) {}
  ~ZstdSource() override { ZSTD_freeDStream(ds_); }

 protected:
  Status Decode(char* dst, size_t cap, size_t* produced) override {
    ZSTD_outBuffer out{dst, cap, 0};
    Status st = Run(&out);
    *produced = out.pos;
    return st;
  }

 private:
  Status Run(ZSTD_outBuffer* out_ptr) {
    ZSTD_outBuffer& out = *out_ptr;
    if (ds_ == nullptr) return Corrupt(0, "libzstd initialisation failed");
    while (out.pos < out.size) {
      const char* next = static_cast<const char*>(zin_.src) + zin_.pos;
      size_t avail = zin_.size - zin_.pos;
      Result<bool> more = FillInput(&next, &avail);
      if (!more.ok()) return more.status();
      zin_ = ZSTD_inBuffer{next, avail, 0};
      size_t out_before = out.pos;
      if (!*more && frame_done_) {
        done_ = true;
        break;
      }
      size_t rc = ZSTD_decompressStream(ds_, &out, &zin_);
      if (ZSTD_isError(rc)) return Corrupt(out.pos, ZSTD_getErrorName(rc));
      frame_done_ = rc == 0;
      // Without input left, a call that neither finishes the frame nor flushes output means the
      // frame was cut short.
      if (!*more && !frame_done_ && out.pos == out_before) return Truncated(out.pos);
    }
    return Status::Ok();
  }

  ZSTD_DStream* ds_;
  ZSTD_inBuffer zin_{nullptr, 0, 0};
  bool frame_done_ = true;
};

class Bzip2Source : public Decompressor {
 public:
  explicit Bzip2Source(std::unique_ptr<ByteSource> inner)
      : Decompressor(std::move(inner), "bzip2") {
    std::memset(&bs_, 0, sizeof bs_);
    init_rc_ = BZ2_bzDecompressInit(&bs_, 0, 0);
  }
  ~Bzip2Source() override { BZ2_bzDecompressEnd(&bs_); }

 protected:
  Status Decode(char* dst, size_t cap, size_t* produced) override {
    bs_.next_out = dst;
    bs_.avail_out = static_cast<unsigned>(cap);
    Status st = Run(cap);
    *produced = cap - bs_.avail_out;
    return st;
  }

 private:
  Status Run(size_t cap) {
    if (init_rc_ != BZ_OK) return Corrupt(0, "libbz2 initialisation failed");
    auto made = [&] { return cap - bs_.avail_out; };
    while (bs_.avail_out > 0) {
      const char* next = bs_.next_in;
      size_t avail = bs_.avail_in;
      Result<bool> more = FillInput(&next, &avail);
      if (!more.ok()) return more.status();
      bs_.next_in = const_cast<char*>(next);
      bs_.avail_in = static_cast<unsigned>(avail);
      if (stream_done_) {
        if (!*more) {
          done_ = true;
          break;
        }
        // Another stream follows (pbzip2 writes one per block group).
        BZ2_bzDecompressEnd(&bs_);
        char* keep_in = bs_.next_in;
        unsigned keep_avail = bs_.avail_in;
        char* keep_out = bs_.next_out;
        unsigned keep_out_avail = bs_.avail_out;
        std::memset(&bs_, 0, sizeof bs_);
        bs_.next_in = keep_in;
        bs_.avail_in = keep_avail;
        bs_.next_out = keep_out;
        bs_.avail_out = keep_out_avail;
        if (BZ2_bzDecompressInit(&bs_, 0, 0) != BZ_OK) return Corrupt(made(), "re-init failed");
        stream_done_ = false;
      }
      if (!*more) return Truncated(made());
      unsigned out_before = bs_.avail_out;
      unsigned in_before = bs_.avail_in;
      int rc = BZ2_bzDecompress(&bs_);
      if (rc == BZ_STREAM_END) {
        stream_done_ = true;
      } else if (rc != BZ_OK) {
        return Corrupt(made(), "libbz2 error " + std::to_string(rc));
      } else if (bs_.avail_out == out_before && bs_.avail_in == in_before) {
        return Corrupt(made(), "decoder made no progress");
      }
    }
    return Status::Ok();
  }

  bz_stream bs_;
  int init_rc_;
  bool stream_done_ = false;
};

}  // namespace

Compression DetectCompression(std::string_view h) {
  auto starts = [&](std::string_view magic) { return h.substr(0, magic.size()) == magic; };
  if (starts("\x1f\x8b")) return Compression::kGzip;
  if (starts(std::string_view("\xfd"
                              "7zXZ\0",
                              6)))
    return Compression::kXz;
  if (starts("\x28\xb5\x2f\xfd")) return Compression::kZstd;
  if (h.size() >= 4 && starts("BZh") && h[3] >= '1' && h[3] <= '9') return Compression::kBzip2;
  return Compression::kNone;
}

const char* CompressionName(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return "gzip";
    case Compression::kXz:
      return "xz";
    case Compression::kZstd:
      return "zstd";
    case Compression::kBzip2:
      return "bzip2";
    case Compression::kNone:
      break;
  }
  return "none";
}

std::unique_ptr<ByteSource> MakeDecompressingSource(Compression c,
                                                    std::unique_ptr<ByteSource> inner) {
  switch (c) {
    case Compression::kGzip:
      return std::make_unique<GzipSource>(std::move(inner));
    case Compression::kXz:
      return std::make_unique<XzSource>(std::move(inner));
    case Compression::kZstd:
      return std::make_unique<ZstdSource>(std::move(inner));
    case Compression::kBzip2:
      return std::make_unique<Bzip2Source>(std::move(inner));
    case Compression::kNone:
      break;
  }
  return inner;
}

}  // namespace mv
