# Every external dependency, all from Debian 12 packages (see deploy/setup.sh).
find_package(Threads REQUIRED)
find_package(CAF 0.17 REQUIRED)
find_package(RocksDB 7.8 REQUIRED CONFIG)
find_package(simdjson REQUIRED CONFIG)
# Howard Hinnant's date/tz (libhowardhinnant-date-dev, reading the system's
# tzdata): homes live in named time zones and GCC 12 has no std::chrono zones.
find_package(date CONFIG REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS unit_test_framework)
find_package(PkgConfig REQUIRED)
pkg_check_modules(ZMQ REQUIRED IMPORTED_TARGET libzmq>=4.3)
pkg_check_modules(PISTACHE REQUIRED IMPORTED_TARGET libpistache)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
# The MQTT adapter (adapters/mqtt_adapter): libmosquitto 2.0 from libmosquitto-dev.
pkg_check_modules(MOSQUITTO REQUIRED IMPORTED_TARGET libmosquitto>=2.0)
# Pistache's TLS transport; hems reaches into it once (api/tls_handshake.hpp).
find_package(OpenSSL 3 REQUIRED)

# Debian builds Pistache with TLS; every file that includes it must agree, or
# the class layouts differ and the ABI breaks.
add_library(hems_pistache INTERFACE)
target_link_libraries(hems_pistache INTERFACE PkgConfig::PISTACHE)
target_compile_definitions(hems_pistache INTERFACE PISTACHE_USE_SSL=1)

# cppzmq is header-only on top of libzmq.
add_library(hems_zmq INTERFACE)
target_link_libraries(hems_zmq INTERFACE PkgConfig::ZMQ)
