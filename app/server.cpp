// The composition root: wires the modules together and owns start-up and
// shutdown order; all behaviour lives in the modules.
//
//   PULL socket ─┐
//   MQTT broker ─┤
//                ├─> sample_writer (RocksDB, group commit) ─> fleet directory -> homes -> devices
//   hub ROUTER ──┘        (acks once durable)              │                      └─> aggregator
//                                                          └─> feed (PUB) <── windows as they close
//   hub ROUTER <── commands (tracker: resend, expiry) ──> commands store, feed
//   MQTT broker <── commands to devices that came from MQTT (confirmed by their state)
//   REST (Pistache) -> asks the directory / reads the store / sends commands
//   schedules -> a scheduler per home (fires at local time, safety gate) -> commands

#include "app/server.hpp"

#include <algorithm>
#include <csignal>
#include <iostream>
#include <mutex>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <zmq.hpp>

#include "actors/dr_coordinator.hpp"
#include "actors/dr_signal_book.hpp"
#include "actors/fleet_directory.hpp"
#include "actors/home_optimizer.hpp"
#include "actors/live_board.hpp"
#include "actors/scheduler_registry.hpp"
#include "adapters/handshake_monitor.hpp"
#include "adapters/hub_link.hpp"
#include "adapters/zap_authenticator.hpp"
#include "adapters/zmq_feed.hpp"
#include "adapters/zmq_pull_ingest.hpp"
#include "api/cluster_routes.hpp"
#include "api/command_routes.hpp"
#include "api/event_hub.hpp"
#include "api/dr_routes.hpp"
#include "api/fleet_routes.hpp"
#include "api/history_json.hpp"
#include "api/history_routes.hpp"
#include "api/live_routes.hpp"
#include "api/plan_routes.hpp"
#include "api/rest_api.hpp"
#include "api/rest_server.hpp"
#include "api/static_files.hpp"
#include "api/schedule_routes.hpp"
#include "app/admin_token.hpp"
#include "app/recovery.hpp"
#include "cluster/assignment.hpp"
#include "cluster/cluster_node.hpp"
#include "cluster/fleet_live.hpp"
#include "core/sample_json.hpp"
#include "storage/sample_writer.hpp"

namespace hems::app {

// Members are destroyed in reverse order: REST and sockets first, storage last.
struct server::parts {
  metrics_registry metrics;
  std::shared_ptr<system_clock> time = std::make_shared<system_clock>();
  std::unique_ptr<storage::store> db;
  zmq::context_t zmq_context{1};
  std::unique_ptr<adapters::zap_authenticator> zap;
  std::unique_ptr<adapters::handshake_monitor> monitor;
  std::optional<adapters::curve_server> curve;
  // Declared before the actor system, which waits for its actors when it is
  // destroyed: aggregators may publish on the feed until they are gone.
  std::unique_ptr<adapters::feed_publisher> feed;
  // The schedulers read the book and send commands until they are gone, so
  // these outlive the actor system; sending is closed (under the mutex)
  // before the links stop.
  std::unique_ptr<storage::schedule_book> schedules;
  std::mutex send_mutex;
  bool sending_closed = false;
  caf::actor_system_config caf_config; // the actor system keeps a reference to it
  std::unique_ptr<caf::actor_system> system;
  actors::fleet_directory_actor directory;
  actors::dr_coordinator_actor demand_response;
  cluster::cluster_node_actor cluster_node;
  std::unique_ptr<actors::scheduler_registry> schedulers;
  std::shared_ptr<actors::home_optimizers> optimizers; ///< with history only
  actors::plan_listener_actor plan_listener;            ///< optimizers -> schedulers
  std::unique_ptr<storage::sample_writer> writer;
  std::unique_ptr<adapters::telemetry_metrics> telemetry_metrics;
  std::unique_ptr<adapters::pull_ingest> ingest;
  std::unique_ptr<adapters::hub_link> hubs;
  std::unique_ptr<adapters::mqtt_adapter> mqtt;
  std::atomic<bool> ready{false};
  /// Live events (GET /events); notifications, commands and plans are published to it.
  std::shared_ptr<api::event_hub> events;
  std::unique_ptr<api::rest_api> api;
  std::optional<std::filesystem::path> admin_token_file;
  std::unique_ptr<api::rest_server> rest;
  bool stopped = false;

  ~parts() {
    std::lock_guard lock{send_mutex};
    sending_closed = true; // also when start-up failed half-way
  }
};

namespace {

using parts = server::parts;

storage::retention_policy retention_of(const server_config& config) {
  constexpr millis day_ms = 86'400'000;
  return {
    .raw_samples_ms = config.retain_raw_days * day_ms,
    .minute_windows_ms = config.retain_minute_windows_days * day_ms,
    .windows_ms = config.retain_windows_days * day_ms,
  };
}

result<std::vector<actors::recovered_device>> open_storage(parts& p, const server_config& config,
                                                           const actors::live_context& context,
                                                           std::vector<storage::device_record>& records) {
  auto db = storage::open_rocksdb_store(
    {.dir = config.data_dir, .retention = retention_of(config), .time = p.time});
  if (!db)
    return std::unexpected(db.error());
  p.db = std::move(*db);
  auto loaded = p.db->load_devices();
  if (!loaded)
    return std::unexpected(loaded.error());
  records = std::move(*loaded);
  return recover_devices(*p.db, records, p.time->now_ms(), context.settings.day_start);
}

void start_actors(parts& p, const server_config& config, std::shared_ptr<actors::live_context> context,
                  std::vector<actors::recovered_device> recovered) {
  p.caf_config.set("logger.verbosity", caf::atom("quiet"));
  p.caf_config.set("logger.console", caf::atom("none"));
  if (config.actor_threads > 0)
    p.caf_config.set("scheduler.max-threads", config.actor_threads);
  if (config.cluster) {
    // Nodes talk through CAF's middleman; what crosses is registered by name.
    p.caf_config.load<caf::io::middleman>();
    cluster::add_cluster_message_types(p.caf_config);
    // A peer that stops answering (not only one whose socket closes) is
    // dropped after missing heartbeats.
    p.caf_config.set("middleman.heartbeat-interval", caf::timespan{std::chrono::seconds(1)});
  }
  p.system = std::make_unique<caf::actor_system>(p.caf_config);
  p.directory = p.system->spawn(actors::fleet_directory_behavior, std::move(recovered),
                                actors::live_context_ptr{std::move(context)});
}

// Notifications go out twice, to the same listeners whatever made them: the
// feed (integrators) and the live events (the dashboard).
actors::notification_listener notification_fanout(parts& p) {
  return [feed = p.feed.get(), events = p.events](const std::string& home,
                                                  const storage::notification_record& n) {
    feed->publish_if_heard("home/" + home + "/notification", [&] { return n.json; });
    events->publish(home, "notification", n.json);
  };
}

// Demand-response events: states on the feed (fleet/dr/<id>), residents
// notified (stored, then the feed's home/<h>/notification and the live
// events, through notification_fanout), homes' optimizers told.
void start_demand_response(parts& p, const server_config& config) {
  actors::dr_coordinator_settings s;
  s.time = p.time;
  s.publish = [feed = p.feed.get(), time = p.time](const streams::dr_event& e, streams::dr_state) {
    feed->publish_if_heard("fleet/dr/" + e.id, [&] { return api::dr_event_json(e, time->now_ms()); });
  };
  // The same fan-out as every other notification: the feed and the live
  // events (the dashboard shows it without a reload).
  s.notify_residents = [db = p.db.get(), fanout = notification_fanout(p)](
                         const std::vector<std::string>& homes, const streams::dr_event& e,
                         std::string_view what) {
    if (!db->history())
      return;
    auto records = api::dr_notifications(homes, e, what);
    if (!db->history()->put_notifications(records))
      return;
    for (const auto& n : records)
      fanout(n.home, n);
  };
  // Each home's optimizer sees its events as a price signal (docs/FLEET.md):
  // it re-plans deferrable loads out of them, under every safety rule.
  s.tell_home = [&told = p.metrics.add_counter("hems_dr_notices_total",
                                                "Demand-response state changes told to homes."),
                 signals = std::make_shared<actors::dr_signal_book>(),
                 optimizers = p.optimizers](const streams::dr_notice& notice) {
    told.inc();
    if (optimizers)
      caf::anon_send(optimizers->of(notice.home), actors::dr_atom::value,
                     signals->update(notice));
  };
  s.standing_opt_outs = [db = p.db.get()](const std::vector<std::string>& homes) {
    return api::standing_opt_outs(*db, homes);
  };
  // In a cluster every owner gets the event: each drives only its own homes.
  if (config.cluster && config.cluster->members.size() > 1)
    s.owns = [owners = std::make_shared<cluster::assignment>(*config.cluster),
              self = config.node_id](const std::string& home) { return owners->owner(home) == self; };
  auto stored = api::read_dr_events(*p.db);
  p.demand_response = p.system->spawn(actors::dr_coordinator_behavior,
                                      stored ? std::move(*stored) : std::vector<streams::dr_event>{},
                                      std::move(s));
}

// The cluster node: publishes itself on this member's middleman port (a
// cluster) and answers fleet queries; without a cluster, a node of one.
result<void> start_cluster_node(parts& p, const server_config& config,
                                actors::live_context_ptr live) {
  auto context = std::make_shared<cluster::node_context>();
  context->config = config.cluster ? *config.cluster : cluster::single_node_config(config.node_id);
  context->self_id = config.node_id;
  context->timeout = config.cluster_timeout;
  context->networked = config.cluster.has_value();
  // Fleet views and demand-response events asked of any member (api/fleet_routes, api/dr_routes).
  auto local = api::local_fleet_source(live->board, live->settings, p.db->history());
  context->handlers[api::fleet_homes_kind] = api::fleet_homes_handler(local);
  context->handlers[api::fleet_usage_kind] = api::fleet_usage_handler(local);
  context->handlers[api::fleet_group_kind] = api::fleet_group_handler(*p.db);
  context->handlers[api::dr_event_kind] =
    api::dr_event_handler(*p.db, [dr = p.demand_response](const streams::dr_event& e) {
      caf::anon_send(dr, actors::dr_atom::value, e);
    });
  context->handlers[api::dr_report_kind] =
    api::dr_report_handler(*p.db, *p.time, config.default_time_zone);
  context->handlers[cluster::live_query_kind] = cluster::live_fleet_handler(std::move(live));
  // A member that comes (back) up gets the groups and the events it may have missed.
  context->resend_on_member_up = [db = p.db.get(), time = p.time] {
    auto queries = api::groups_to_resend(*db);
    auto events = api::dr_events_to_resend(*db, time->now_ms());
    queries.insert(queries.end(), events.begin(), events.end());
    return queries;
  };
  p.cluster_node = p.system->spawn(cluster::cluster_node_behavior,
                                   cluster::node_context_ptr{context});
  if (!config.cluster)
    return {};
  const auto* self = context->config.find(config.node_id);
  auto listen = config.cluster_listen.value_or(self->host);
  auto port = p.system->middleman().publish(p.cluster_node, self->port, listen.c_str(), true);
  if (!port) {
    caf::anon_send_exit(p.cluster_node, caf::exit_reason::user_shutdown);
    return fail(errc::io_error, "cannot publish the cluster node on " + listen + ":" +
                                  std::to_string(self->port) + ": " +
                                  p.system->render(port.error()));
  }
  return {};
}

// In a cluster, hubs whose homes another member owns are sent there.
std::function<std::optional<adapters::hub_redirect>(const std::string&)>
owner_elsewhere(const server_config& config) {
  if (!config.cluster || config.cluster->members.size() < 2)
    return {};
  auto owners = std::make_shared<cluster::assignment>(*config.cluster);
  return [owners, members = config.cluster->members,
          self = config.node_id](const std::string& home) -> std::optional<adapters::hub_redirect> {
    const auto& owner = members[owners->owner_index(home)];
    if (owner.id == self)
      return std::nullopt;
    return adapters::hub_redirect{owner.id, owner.hub, {}};
  };
}

result<std::optional<adapters::curve_server>> load_curve(parts& p, const server_config& config) {
  if (!config.curve_key && !config.curve_clients)
    return std::optional<adapters::curve_server>{};
  if (!config.curve_key || !config.curve_clients)
    return fail(errc::invalid_input, "CURVE needs both --curve-key and --curve-clients");
  auto keys = adapters::read_curve_keypair(*config.curve_key);
  if (!keys)
    return std::unexpected(keys.error());
  auto zap = adapters::zap_authenticator::start(p.zmq_context, *config.curve_clients, p.metrics);
  if (!zap)
    return std::unexpected(zap.error());
  p.zap = std::move(*zap);
  return std::optional<adapters::curve_server>{adapters::curve_server{*keys}};
}

// Committed samples go to the actors, and to the feed if anyone listens.
storage::sample_writer::dispatch_fn dispatch_to(parts& p) {
  return [directory = p.directory, feed = p.feed.get(),
          schedulers = p.schedulers.get()](std::vector<sample>&& accepted) {
    if (feed->has_subscribers())
      for (const auto& s : accepted)
        feed->publish("home/" + s.home + "/telemetry", sample_to_json(s));
    schedulers->samples(accepted);
    caf::anon_send(directory, actors::ingest_atom::value, std::move(accepted));
  };
}

// Every change of a command is stored and published.
std::function<void(const command_record&)> record_commands(parts& p) {
  return [db = p.db.get(), feed = p.feed.get(), events = p.events](const command_record& r) {
    (void)db->put_command(r); // a failure here must not stop delivery; it is rare
    feed->publish_if_heard("home/" + r.cmd.home + "/command",
                           [&] { return api::command_json(r); });
    events->publish_if_heard(r.cmd.home, "command", [&] { return api::command_json(r); });
  };
}

// Power events read the live board, as GET /devices does.
api::power_source live_power(const std::shared_ptr<actors::live_context>& context) {
  return [weak = std::weak_ptr<actors::live_context>{context}](
           const std::string& home) -> std::optional<actors::home_view> {
    auto live = weak.lock();
    if (!live || !live->board)
      return std::nullopt;
    auto view = live->board->view(home, live->settings);
    return view.found ? std::optional{std::move(view)} : std::nullopt;
  };
}

// The feed and CURVE come first: the aggregators publish closed windows on it
// from the moment they start.
result<void> start_feed(parts& p, const server_config& config) {
  auto curve = load_curve(p, config);
  if (!curve)
    return std::unexpected(curve.error());
  p.curve = *curve;
  p.monitor = std::make_unique<adapters::handshake_monitor>(p.zmq_context, p.metrics);
  adapters::feed_options feed_options;
  feed_options.endpoint = config.feed;
  feed_options.curve = p.curve;
  auto feed = adapters::feed_publisher::start(p.zmq_context, feed_options, p.metrics,
                                              p.monitor.get());
  if (!feed)
    return std::unexpected(feed.error());
  p.feed = std::move(*feed);
  return {};
}

// The safety settings of a home, from its preferences (the defaults until it
// has some; anything named fridge, freezer or medical is essential whatever
// they say). Every command source asks this: schedules, optimizer, REST.
std::function<streams::safety_settings(const std::string&)> safety_of(parts& p) {
  return [db = p.db.get()](const std::string& home) {
    if (auto* history = db->history())
      if (auto prefs = actors::stored_preferences(*history, home))
        return streams::to_safety_settings(*prefs);
    return streams::safety_settings{};
  };
}

// A command goes over MQTT to a device that came from MQTT, else via its hub.
std::function<void(command)> command_sender(parts& p) {
  return [&p](command c) {
    std::lock_guard lock{p.send_mutex};
    auto* mqtt = &p.mqtt;
    auto* hubs = &p.hubs;
    if (p.sending_closed)
      return;
    if (*mqtt && (*mqtt)->owns(c.home, c.device))
      (*mqtt)->send_command(std::move(c));
    else if (*hubs)
      (*hubs)->send_command(std::move(c));
  };
}

// Hands each home's planned starts to its scheduler. (It takes an argument
// besides self: CAF 0.17 dereferences a null tuple for a function without.)
actors::plan_listener_actor::behavior_type forward_plans(actors::plan_listener_actor::pointer,
                                                         actors::scheduler_registry* schedulers) {
  return {[schedulers](actors::planned_atom, const std::string& home,
                       actors::planned_starts& starts) {
    schedulers->planned(home, std::move(starts));
  }};
}

// One optimizer per home (spawned when its preferences, tariff or schedules
// are first set), planning on the learned base-load forecast; its plans go to
// the home's scheduler and the live events, its notifications to the fan-out.
std::shared_ptr<actors::home_optimizers> start_optimizers(parts& p, const server_config& config,
                                                          const actors::live_context& live) {
  auto settings = std::make_shared<actors::optimizer_settings>();
  settings->time = p.time;
  settings->db = p.db.get();
  settings->default_time_zone = config.default_time_zone;
  if (live.history)
    settings->base_load = live.history->base_load;
  settings->on_notification = notification_fanout(p);
  settings->on_plan = [events = p.events](const std::string& home, const streams::home_plan& plan) {
    events->publish_plan(home, plan.computed_ms);
  };
  // The optimizers' planned starts reach the home's scheduler, which fires
  // them through the safety gate.
  p.plan_listener = p.system->spawn(forward_plans, p.schedulers.get());
  return std::make_shared<actors::home_optimizers>(*p.system, std::move(settings), p.plan_listener);
}

// Schedules and a scheduler per home that has some (actors/home_scheduler.hpp).
result<void> start_automation(parts& p, const server_config& config,
                              const actors::live_context& live) {
  auto book = storage::schedule_book::open(*p.db);
  if (!book)
    return std::unexpected(book.error());
  p.schedules = std::move(*book);
  auto context = std::make_shared<actors::scheduler_context>();
  context->time = p.time;
  context->book = p.schedules.get();
  context->send = command_sender(p);
  context->safety = safety_of(p);
  context->time_zone = [db = p.db.get(), fallback = config.default_time_zone](const std::string& home) {
    if (auto* history = db->history())
      if (auto zone = history->get_home_value(home, "time_zone"); zone && *zone)
        return **zone;
    return fallback;
  };
  // Peak warnings: the home's preferences, read with each batch of its live
  // samples; a home with peak hours gets a scheduler to watch them.
  context->preferences = [db = p.db.get()](const std::string& home)
    -> std::optional<streams::home_preferences> {
    if (auto* history = db->history())
      if (auto prefs = actors::stored_preferences(*history, home))
        return std::move(*prefs);
    return std::nullopt;
  };
  context->wants_scheduler = [db = p.db.get()](const std::string& home) {
    if (auto* history = db->history())
      if (auto prefs = actors::stored_preferences(*history, home))
        return !prefs->peak_hours.empty() && prefs->notifications.peak_warning;
    return false;
  };
  context->notifier = std::make_shared<actors::automation_notifier>(
    p.db.get(), notification_fanout(p),
    &p.metrics.add_counter("hems_automation_notifications_total",
                           "Notifications from automation, stored and published."));
  // What schedules ask of the optimizer (runs, blocked hours) reaches it on
  // every change; the optimizers exist before any scheduler runs.
  auto optimizers = std::make_shared<std::shared_ptr<actors::home_optimizers>>();
  context->on_inputs = [optimizers](const std::string& home, const streams::automation_inputs& in) {
    if (*optimizers)
      caf::anon_send((*optimizers)->of(home), actors::inputs_atom::value, in);
  };
  p.schedulers = std::make_unique<actors::scheduler_registry>(*p.system, std::move(context));
  if (config.history) {
    p.optimizers = start_optimizers(p, config, live);
    *optimizers = p.optimizers;
  }
  p.schedulers->start();
  return {};
}

// Usage windows per home (aggregator actors under each home), published as
// they close.
void attach_history(parts& p, const server_config& config, actors::live_context& context) {
  auto history = std::make_shared<actors::history_context>();
  history->db = p.db.get();
  history->settings.windows.lateness_ms = config.window_lateness_ms;
  history->settings.windows.idle_close_ms = config.window_idle_close_ms;
  history->settings.default_time_zone = config.default_time_zone;
  history->metrics = std::make_shared<actors::history_metrics>(p.metrics);
  history->on_windows = [feed = p.feed.get()](const std::string& home,
                                              const std::vector<streams::usage_window>& closed) {
    for (const auto& w : closed)
      feed->publish_if_heard("home/" + home + "/usage/" + std::string{streams::to_string(w.res)},
                             [&] { return api::usage_window_feed_json(home, w); });
  };
  history->on_notification = notification_fanout(p);
  context.history = history;
  context.settings.tick_interval_ms =
    std::min(config.history_tick_ms, std::max<std::int64_t>(1, config.window_idle_close_ms / 2));
}

result<void> start_links(parts& p, const server_config& config,
                         std::vector<storage::device_record> records) {
  p.writer = std::make_unique<storage::sample_writer>(
    *p.db, storage::device_ledger{std::move(records)}, p.metrics, storage::writer_options{},
    dispatch_to(p));
  p.telemetry_metrics = std::make_unique<adapters::telemetry_metrics>(p.metrics);

  adapters::pull_ingest_options pull_options;
  pull_options.endpoint = config.telemetry;
  pull_options.curve = p.curve;
  auto ingest = adapters::pull_ingest::start(
    p.zmq_context, pull_options, *p.time, *p.telemetry_metrics,
    [writer = p.writer.get()](std::vector<sample>&& samples, millis received) {
      writer->submit({std::move(samples), received, storage::durability::os_buffered, {}});
    },
    p.monitor.get());
  if (!ingest)
    return std::unexpected(ingest.error());
  p.ingest = std::move(*ingest);

  auto durability = config.hub_fsync ? storage::durability::fsynced
                                     : storage::durability::os_buffered;
  adapters::hub_link_options hub_options;
  hub_options.endpoint = config.hub;
  hub_options.curve = p.curve;
  hub_options.owner_elsewhere = owner_elsewhere(config);
  auto hubs = adapters::hub_link::start(
    p.zmq_context, hub_options, *p.time, p.metrics,
    *p.telemetry_metrics,
    [writer = p.writer.get(), durability](std::vector<sample>& samples, millis received,
                                          adapters::hub_link::done_fn done) {
      storage::ingest_batch batch{std::move(samples), received, durability,
                                  [done = std::move(done)](const storage::ingest_result& r) {
                                    adapters::durable_result d{r.accepted, r.duplicates, {}};
                                    if (r.failure)
                                      d.failure = r.failure->detail;
                                    done(d);
                                  }};
      if (writer->try_submit(batch))
        return true;
      samples = std::move(batch.samples); // still ours: the link retries
      return false;
    },
    record_commands(p), p.monitor.get());
  if (!hubs)
    return std::unexpected(hubs.error());
  p.hubs = std::move(*hubs);
  p.monitor->start();
  if (config.mqtt) {
    // The same write path as the PULL socket: buffered durability, dedup,
    // then the actors.
    auto mqtt = adapters::mqtt_adapter::start(
      *config.mqtt, *p.time, p.metrics,
      [writer = p.writer.get()](std::vector<sample>&& samples, millis received) {
        writer->submit({std::move(samples), received, storage::durability::os_buffered, {}});
      },
      record_commands(p));
    if (!mqtt)
      return std::unexpected(mqtt.error());
    p.mqtt = std::move(*mqtt);
  }
  return {};
}

result<void> start_rest(parts& p, const server_config& config, actors::live_context_ptr context) {
  auto live = std::make_shared<api::live_services>(
    api::live_services{*p.system, p.directory, *p.db, p.metrics,
                       [ready = &p.ready] { return ready->load(); }});
  live->live = std::move(context);
  auto commands = std::make_shared<api::command_services>(api::command_services{
    *p.db, *p.time, command_sender(p),
    [live](const std::string& home, const std::string& device) {
      auto view = api::ask_home_view(*live, home);
      return view && std::any_of(view->devices.begin(), view->devices.end(),
                                 [&](const auto& d) { return d.status.device == device; });
    }});
  commands->refuse = api::rest_command_gate(safety_of(p));
  auto schedules = std::make_shared<api::schedule_services>(api::schedule_services{
    *p.schedules, *p.time,
    [live](const std::string& home) { return api::ask_home_view(*live, home).has_value(); },
    [live](const std::string& home, const std::string& device) -> std::optional<device_kind> {
      auto view = api::ask_home_view(*live, home);
      if (view)
        for (const auto& d : view->devices)
          if (d.status.device == device)
            return d.status.kind;
      return std::nullopt;
    },
    safety_of(p),
    [schedulers = p.schedulers.get()](const std::string& home) {
      schedulers->schedules_changed(home);
    }});
  std::shared_ptr<api::history_services> history;
  if (config.history) {
    history = std::make_shared<api::history_services>(
      api::history_services{*p.system, p.directory, *p.db, config.default_time_zone});
    history->day_cache =
        std::make_shared<api::usage_day_cache>(config.usage_cache_bytes, &p.metrics);
    history->retention = retention_of(config);
    history->time = p.time;
    live->usage_windows = [history](const api::http_request& req, const std::string& home) {
      return api::usage_windows(*history, req, home);
    };
  }
  api::rest_api_options api_options;
  api_options.per_token_limit = config.per_token_limit;
  api_options.schedules = schedules;
  api_options.optimizers = p.optimizers;
  p.api = std::make_unique<api::rest_api>(*p.db, *p.time, p.metrics, live, commands, history,
                                          api_options);
  auto cluster = std::make_shared<api::cluster_services>(
    api::cluster_services{*p.system, p.cluster_node, config.cluster_timeout + std::chrono::seconds(1)});
  // In a cluster, fleet views and demand-response events reach every member.
  const bool clustered = config.cluster && config.cluster->members.size() > 1;
  auto fleet = std::make_shared<api::fleet_services>(api::fleet_services{
    *p.db, *p.time, api::local_fleet_source(live->live->board, live->live->settings, p.db->history()),
    nullptr});
  if (clustered) {
    fleet->source = api::cluster_fleet_source(cluster);
    fleet->cluster = cluster;
  }
  p.api->add(api::fleet_routes(fleet));
  auto demand_response = std::make_shared<api::dr_services>(
    api::dr_services{*p.db, *p.time, [dr = p.demand_response](const streams::dr_event& e) {
                       caf::anon_send(dr, actors::dr_atom::value, e);
                     }, nullptr, config.default_time_zone});
  if (clustered)
    demand_response->cluster = cluster;
  p.api->add(api::dr_routes(demand_response));
  p.api->add(api::cluster_routes(cluster));
  auto admin = ensure_admin_token(p.api->tokens(), p.api->audit(), config.data_dir,
                                  config.reissue_admin_token);
  if (!admin)
    return std::unexpected(admin.error());
  p.admin_token_file = *admin;
  p.api->serve_events(p.events);
  auto routes = p.api->routes();
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (auto web = api::find_web_dir(config.web_dir, exe)) {
    auto files = api::static_routes(*web);
    if (!files)
      return std::unexpected(files.error());
    routes.insert(routes.end(), files->begin(), files->end());
  } else if (config.web_dir) {
    return fail(errc::invalid_input, "--web-dir: no index.html in " + *config.web_dir);
  } else {
    std::cerr << "hems: no web dashboard found (build it with deploy/build.sh, or --web-dir)\n";
  }
  auto rest = api::rest_server::start({.address = config.http_address,
                                       .port = config.http_port,
                                       .threads = config.http_threads,
                                       .max_body_bytes = config.max_body_bytes,
                                       .tls = config.tls,
                                       .header_timeout = config.header_timeout,
                                       .body_timeout = config.body_timeout,
                                       .keepalive_timeout = config.keepalive_timeout},
                                      std::move(routes), p.metrics);
  if (!rest)
    return std::unexpected(rest.error());
  p.rest = std::move(*rest);
  p.events->start();
  return {};
}

} // namespace

result<std::unique_ptr<server>> server::start(const server_config& config) {
  // Pistache writes to sockets without MSG_NOSIGNAL: a client that hangs up
  // mid-answer would otherwise kill whatever process embeds the server.
  std::signal(SIGPIPE, SIG_IGN);
  auto p = std::make_unique<parts>();
  p->time = std::make_shared<system_clock>(config.clock_offset_ms);
  auto context = std::make_shared<actors::live_context>();
  context->settings.time = p->time;
  context->settings.offline_after_ms = config.offline_after_ms;
  context->metrics = std::make_shared<actors::live_metrics>(p->metrics);
  context->board = std::make_shared<actors::live_board>();
  api::event_hub_options events;
  // Streams end cleanly before Pistache closes their quiet connection.
  events.max_stream_ms = std::max<millis>(
    1000, std::chrono::duration_cast<std::chrono::milliseconds>(config.keepalive_timeout).count() -
            5000);
  p->events = std::make_shared<api::event_hub>(*p->time, p->metrics, live_power(context), events);

  std::vector<storage::device_record> records;
  auto recovered = open_storage(*p, config, *context, records);
  if (!recovered)
    return std::unexpected(recovered.error());
  if (auto ok = start_feed(*p, config); !ok)
    return std::unexpected(ok.error());
  if (config.history)
    attach_history(*p, config, *context);
  start_actors(*p, config, context, std::move(*recovered));
  // A failure from here on must stop the actors with timers (the cluster
  // node's reconnects, schedulers, optimizers, demand response): they would
  // keep the actor system waiting for them.
  auto abandon = [&p](const error& e) {
    if (p->cluster_node)
      caf::anon_send_exit(p->cluster_node, caf::exit_reason::user_shutdown);
    if (p->demand_response)
      caf::anon_send_exit(p->demand_response, caf::exit_reason::user_shutdown);
    if (p->optimizers)
      p->optimizers->stop();
    if (p->plan_listener)
      caf::anon_send_exit(p->plan_listener, caf::exit_reason::user_shutdown);
    if (p->schedulers)
      p->schedulers->stop();
    return std::unexpected(e);
  };
  if (auto ok = start_automation(*p, config, *context); !ok)
    return abandon(ok.error());
  start_demand_response(*p, config);
  // After the coordinator: the node hands it the events other members send.
  if (auto ok = start_cluster_node(*p, config, context); !ok)
    return abandon(ok.error());
  if (auto ok = start_links(*p, config, std::move(records)); !ok)
    return abandon(ok.error());
  if (auto ok = start_rest(*p, config, context); !ok)
    return abandon(ok.error());
  p->ready = true;
  return std::unique_ptr<server>{new server{std::move(p)}};
}

server::server(std::unique_ptr<parts> p) : parts_(std::move(p)) {}

server::~server() { stop(); }

void server::stop() {
  auto& p = *parts_;
  if (p.stopped)
    return;
  p.stopped = true;
  p.ready = false;
  p.events->stop(); // its streams write into REST's connections
  p.rest->stop();
  if (p.optimizers)
    p.optimizers->stop();
  if (p.plan_listener)
    caf::anon_send_exit(p.plan_listener, caf::exit_reason::user_shutdown);
  p.schedulers->stop();
  {
    std::lock_guard lock{p.send_mutex};
    p.sending_closed = true;
  }
  p.ingest->stop();
  if (p.mqtt)
    p.mqtt->stop();
  p.hubs->stop();
  p.writer->stop(); // commits everything already received
  p.feed->stop();
  p.monitor->stop();
  if (p.zap)
    p.zap->stop();
  caf::anon_send_exit(p.demand_response, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(p.cluster_node, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(p.directory, caf::exit_reason::user_shutdown);
}

const std::string& server::telemetry_endpoint() const { return parts_->ingest->endpoint(); }
const std::string& server::hub_endpoint() const { return parts_->hubs->endpoint(); }
const std::string& server::feed_endpoint() const { return parts_->feed->endpoint(); }
std::uint16_t server::http_port() const { return parts_->rest->port(); }
metrics_registry& server::metrics() { return parts_->metrics; }
const std::optional<std::filesystem::path>& server::admin_token_file() const {
  return parts_->admin_token_file;
}

} // namespace hems::app
