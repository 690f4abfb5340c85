// The Bloom filter of an event block (event_store.h, logs_block_bloom): the byte trigrams of the
// block's text (kBloomBits bits). A literal of three or more bytes whose trigrams are not all
// present cannot occur in the block, which is then skipped without being read. One bit is set per
// trigram (block_bloom.cc, TrigramBit): filters written earlier set a second bit too,
// which reads no longer test, so they stay valid. With about 30,000 distinct trigrams in a block of
// CloudTrail records a trigram is a false positive one time in five; a literal of n trigrams
// passes a block lacking it with probability about 0.2^n.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace orgtrail::services::logs {

inline constexpr uint32_t kBloomBits = 1u << 17;

// Adds the trigrams of `text`. `prev` is the message added just before to the same filter (or
// empty): an 8-byte load equal to prev's at the same offset holds six trigrams prev set already
// (prev was read with the same loads), so it is skipped. Consecutive records of one source share
// long runs (a CloudTrail record's first ~100 bytes), which are then read but not hashed again.
void BloomAdd(std::string& bloom, std::string_view text, std::string_view prev = {});

// False when some literal of three or more bytes has a trigram the filter lacks (it cannot occur
// in the block); true for a filter of another size (none written).
bool BloomMayContain(std::string_view bloom, const std::vector<std::string>& literals);

}  // namespace orgtrail::services::logs
