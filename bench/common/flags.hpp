// A small command-line flag parser for the bench and sample programs:
// --name=value or --name value, --flag for booleans, --help lists them all.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace wsx::flags {

class Parser {
 public:
  explicit Parser(std::string program, std::string summary)
      : program_(std::move(program)), summary_(std::move(summary)) {}

  void add(const char* name, int* value, const char* help) {
    opts_.push_back({name, help, Kind::i, value});
  }
  void add(const char* name, double* value, const char* help) {
    opts_.push_back({name, help, Kind::d, value});
  }
  void add(const char* name, std::string* value, const char* help) {
    opts_.push_back({name, help, Kind::s, value});
  }
  void add(const char* name, bool* value, const char* help) {
    opts_.push_back({name, help, Kind::b, value});
  }

  // Exits with usage on --help (status 0) or on a bad flag (status 2).
  // Arguments that are not flags are returned in order.
  std::vector<std::string> parse(int argc, char** argv) {
    std::vector<std::string> rest;
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--help" || a == "-h") usage(0);
      if (a.rfind("--", 0) != 0) {
        rest.push_back(a);
        continue;
      }
      std::string name = a.substr(2), value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      Opt* o = find(name);
      if (!o) {
        std::fprintf(stderr, "%s: unknown flag --%s\n", program_.c_str(), name.c_str());
        usage(2);
      }
      if (o->kind == Kind::b) {
        *static_cast<bool*>(o->target) = !has_value || value == "1" || value == "true";
        continue;
      }
      if (!has_value) {
        if (i + 1 >= argc) {
          std::fprintf(stderr, "%s: --%s needs a value\n", program_.c_str(), name.c_str());
          usage(2);
        }
        value = argv[++i];
      }
      char* end = nullptr;
      switch (o->kind) {
        case Kind::i:
          *static_cast<int*>(o->target) = static_cast<int>(std::strtol(value.c_str(), &end, 10));
          break;
        case Kind::d:
          *static_cast<double*>(o->target) = std::strtod(value.c_str(), &end);
          break;
        case Kind::s:
          *static_cast<std::string*>(o->target) = value;
          end = nullptr;
          break;
        case Kind::b:
          break;
      }
      if (end && *end) {
        std::fprintf(stderr, "%s: --%s: not a number: %s\n", program_.c_str(), name.c_str(),
                     value.c_str());
        usage(2);
      }
    }
    return rest;
  }

  [[noreturn]] void usage(int status) const {
    std::FILE* f = status == 0 ? stdout : stderr;
    std::fprintf(f, "usage: %s [flags]\n%s\n\nflags:\n", program_.c_str(), summary_.c_str());
    for (const auto& o : opts_) {
      std::string def;
      switch (o.kind) {
        case Kind::i:
          def = std::to_string(*static_cast<int*>(o.target));
          break;
        case Kind::d:
          def = std::to_string(*static_cast<double*>(o.target));
          break;
        case Kind::s:
          def = *static_cast<std::string*>(o.target);
          break;
        case Kind::b:
          def = *static_cast<bool*>(o.target) ? "true" : "false";
          break;
      }
      std::fprintf(f, "  --%-22s %s (default: %s)\n", o.name, o.help, def.c_str());
    }
    std::exit(status);
  }

 private:
  enum class Kind { i, d, s, b };
  struct Opt {
    const char* name;
    const char* help;
    Kind kind;
    void* target;
  };
  Opt* find(const std::string& n) {
    for (auto& o : opts_) {
      if (n == o.name) return &o;
    }
    return nullptr;
  }
  std::string program_, summary_;
  std::vector<Opt> opts_;
};

}  // namespace wsx::flags
