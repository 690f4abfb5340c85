// orgtrail: flags -> Config -> one subcommand.
#include <openssl/crypto.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "env_command.h"
#include "gateway/env.h"
#include "server.h"

namespace {

std::string DefaultDataDir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    return std::string(xdg) + "/orgtrail";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/share/orgtrail";
  return ".orgtrail";
}

}  // namespace

int main(int argc, char** argv) {
  // orgtrail uses OpenSSL only for digests and MACs: the system-wide openssl.cnf (providers,
  // engines) is not needed, and not reading it saves start-up time and memory.
  OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
  const std::string version = ORGTRAIL_VERSION;
  CLI::App app{
      "orgtrail: the AWS organization audit-logging plane (Organizations, STS, IAM, S3, "
      "CloudTrail, CloudWatch Logs, CloudWatch, SNS, SQS, Lambda) on one local port, for the "
      "AWS CLI, boto3 and the AWS SDKs."};
  app.require_subcommand(1);

  orgtrail::gateway::Config config;
  config.data_dir = DefaultDataDir();
  CLI::App* serve = app.add_subcommand("serve", "Run the server (all services on one port)");
  serve->add_option("--host", config.host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", config.port, "Port to listen on")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--data-dir", config.data_dir,
                    "Data directory (default $XDG_DATA_HOME/orgtrail, else "
                    "~/.local/share/orgtrail)");
  serve->add_flag("--in-memory", config.in_memory, "Keep all state in memory (nothing on disk)");
  serve->add_option("--account-id", config.account_id, "Management account ID")
      ->check([](const std::string& s) {
        return s.size() == 12 && s.find_first_not_of("0123456789") == std::string::npos
                   ? std::string()
                   : std::string("must be 12 digits");
      })
      ->capture_default_str();
  serve->add_option("--account-email", config.account_email, "Management account e-mail")
      ->capture_default_str();
  serve
      ->add_option("--access-key", config.access_key,
                   "Access key ID of the orgtrail-admin IAM user")
      ->capture_default_str();
  serve
      ->add_option("--secret-key", config.secret_key,
                   "Secret access key of the orgtrail-admin IAM user")
      ->capture_default_str();
  serve->add_option("--root-access-key-id", config.root_access_key_id,
                    "Root access key ID of the management account (default: generated once)");
  serve->add_option("--root-secret-access-key", config.root_secret_access_key,
                    "Root secret access key (with --root-access-key-id)");
  serve
      ->add_option("--max-clock-skew", config.max_clock_skew_seconds,
                   "Allowed signature clock skew in seconds, decimals allowed (default: AWS's, "
                   "900 for S3 and JSON services, 300 for Query services)")
      ->check(CLI::PositiveNumber);
  serve
      ->add_option("--trail-delivery-interval", config.trail_delivery_interval_seconds,
                   "Seconds between deliveries of CloudTrail log files to S3 (AWS: about 5 "
                   "minutes)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      ->add_option("--cwl-delivery-interval", config.cwl_delivery_interval_seconds,
                   "Seconds over which CloudTrail batches events for CloudWatch Logs")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve->add_option("--log-level", config.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();

  orgtrail::EnvOptions env_options;
  CLI::App* env = app.add_subcommand(
      "env",
      "Print shell exports (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, "
      "AWS_DEFAULT_REGION, AWS_ENDPOINT_URL) with temporary credentials for another account, "
      "from STS AssumeRole with the credentials in the environment (default test/test). Use: "
      "eval \"$(orgtrail env --account 123456789012)\"");
  env->add_option("--account", env_options.account_id, "Account to become")
      ->required()
      ->check([](const std::string& s) {
        return s.size() == 12 && s.find_first_not_of("0123456789") == std::string::npos
                   ? std::string()
                   : std::string("must be 12 digits");
      });
  env->add_option("--role", env_options.role, "Role to assume in that account")
      ->capture_default_str();
  env->add_option("--endpoint", env_options.endpoint,
                  "orgtrail endpoint (default $AWS_ENDPOINT_URL, else http://127.0.0.1:4566)");
  env->add_option("--region", env_options.region,
                  "Region (default $AWS_REGION or $AWS_DEFAULT_REGION, else us-east-1)");
  env->add_option("--duration", env_options.duration_seconds, "Session duration in seconds")
      ->check(CLI::Range(900, 43200))
      ->capture_default_str();

  app.add_subcommand("version", "Print the version")->callback([&] {
    std::printf("orgtrail %s\n", version.c_str());
  });

  CLI11_PARSE(app, argc, argv);
  if (serve->parsed()) {
    if (config.root_access_key_id.empty() != config.root_secret_access_key.empty()) {
      std::fprintf(stderr,
                   "orgtrail: --root-access-key-id and --root-secret-access-key go together\n");
      return 2;
    }
    return orgtrail::RunServe(config, version);
  }
  if (env->parsed()) return orgtrail::RunEnv(env_options);
  return 0;
}
