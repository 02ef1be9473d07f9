#pragma once
// A store that forwards everything to another one: test doubles derive from
// it and override only what they change (a commit that fails, a slow disk).

#include <memory>

#include "storage/store.hpp"

namespace hems::test {

class forwarding_store : public storage::store {
public:
  explicit forwarding_store(std::unique_ptr<storage::store> inner) : inner_(std::move(inner)) {}

  std::unique_ptr<storage::write_batch> new_batch() override { return inner_->new_batch(); }
  result<void> commit(storage::write_batch& b, storage::durability d) override {
    return inner_->commit(b, d);
  }
  result<std::vector<storage::device_record>> load_devices() override {
    return inner_->load_devices();
  }
  result<storage::sample_page> read_samples(const storage::sample_query& q) override {
    return inner_->read_samples(q);
  }
  std::unique_ptr<storage::sample_view> samples_now() override { return inner_->samples_now(); }
  result<void> put_command(const command_record& r) override { return inner_->put_command(r); }
  result<std::vector<command_record>> list_commands(std::string_view home, std::size_t limit,
                                                    std::optional<millis> before) override {
    return inner_->list_commands(home, limit, before);
  }
  result<std::optional<std::string>> get_setting(std::string_view k) override {
    return inner_->get_setting(k);
  }
  result<void> put_setting(std::string_view k, std::string_view v) override {
    return inner_->put_setting(k, v);
  }
  result<std::optional<std::string>> get_record(storage::collection c,
                                                std::string_view k) override {
    return inner_->get_record(c, k);
  }
  result<void> put_record(storage::collection c, std::string_view k, std::string_view v) override {
    return inner_->put_record(c, k, v);
  }
  result<storage::record_page> scan_records(storage::collection c,
                                            const storage::record_query& q) override {
    return inner_->scan_records(c, q);
  }
  result<void> delete_record(storage::collection c, std::string_view k) override {
    return inner_->delete_record(c, k);
  }
  storage::history_store* history() override { return inner_->history(); }

private:
  std::unique_ptr<storage::store> inner_;
};

} // namespace hems::test
