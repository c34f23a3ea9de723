#pragma once
// The store's numbered migrations, as SQLite reads them (store/schema.cpp), for every backend:
// another backend translates them (store/postgres_backend.cpp). Only store/ includes this.
#include <set>
#include <span>
#include <string>
#include <vector>

namespace stablepick::store {

// Migration i (from 0) brings a store from schema version i to i + 1.
std::span<const char* const> migrations();

// Every table, index and view the migrations make, by name: what a store at the current
// version must hold.
const std::set<std::string>& expected_schema_objects();

// The tables alone, in the order the migrations make them (a table before one that refers
// to it): the order a copy fills them in.
const std::vector<std::string>& schema_tables();

}  // namespace stablepick::store
