// SPDX-License-Identifier: Apache-2.0
// Pins the ABI's memory layout on LP64 (x86_64, aarch64). A change here breaks every built
// plugin: if this test fails, either undo the change or bump LXDR_ABI_MAJOR (see the
// compatibility policy in plugin_abi.h). Appending a field changes only the sizeof line of
// its struct and needs a minor bump.
#include <catch2/catch.hpp>

#include <cstddef>
#include <string>

#include "lxdrunner/plugin_abi.h"

#if defined(__LP64__)
TEST_CASE("ABI 1 layout is pinned on LP64", "[abi]") {
  CHECK(sizeof(lxdr_str) == 16);
  CHECK(offsetof(lxdr_str, ptr) == 0);
  CHECK(offsetof(lxdr_str, len) == 8);
  CHECK(sizeof(lxdr_sink) == 16);
  CHECK(offsetof(lxdr_sink, ctx) == 0);
  CHECK(offsetof(lxdr_sink, append) == 8);
  CHECK(sizeof(lxdr_source) == 16);
  CHECK(offsetof(lxdr_source, ctx) == 0);
  CHECK(offsetof(lxdr_source, read) == 8);
  CHECK(sizeof(lxdr_instance_ref) == 48);
  CHECK(offsetof(lxdr_instance_ref, name) == 0);
  CHECK(offsetof(lxdr_instance_ref, remote) == 16);
  CHECK(offsetof(lxdr_instance_ref, backend) == 32);
  CHECK(sizeof(lxdr_job_event) == 184);  // 1.1: workflow_name, job_name, head_branch
  CHECK(offsetof(lxdr_job_event, struct_size) == 0);
  CHECK(offsetof(lxdr_job_event, action) == 4);
  CHECK(offsetof(lxdr_job_event, job_id) == 8);
  CHECK(offsetof(lxdr_job_event, run_id) == 16);
  CHECK(offsetof(lxdr_job_event, run_attempt) == 24);
  CHECK(offsetof(lxdr_job_event, label_count) == 28);
  CHECK(offsetof(lxdr_job_event, labels) == 32);
  CHECK(offsetof(lxdr_job_event, repository) == 40);
  CHECK(offsetof(lxdr_job_event, organization) == 56);
  CHECK(offsetof(lxdr_job_event, installation_id) == 72);
  CHECK(offsetof(lxdr_job_event, delivery_id) == 80);
  CHECK(offsetof(lxdr_job_event, runner_id) == 96);
  CHECK(offsetof(lxdr_job_event, runner_name) == 104);
  CHECK(offsetof(lxdr_job_event, conclusion) == 120);
  CHECK(offsetof(lxdr_job_event, workflow_name) == 136);
  CHECK(offsetof(lxdr_job_event, job_name) == 152);
  CHECK(offsetof(lxdr_job_event, head_branch) == 168);
  CHECK(sizeof(lxdr_http_header) == 32);
  CHECK(offsetof(lxdr_http_header, name) == 0);
  CHECK(offsetof(lxdr_http_header, value) == 16);
  CHECK(sizeof(lxdr_http_request) == 96);
  CHECK(offsetof(lxdr_http_request, struct_size) == 0);
  CHECK(offsetof(lxdr_http_request, header_count) == 4);
  CHECK(offsetof(lxdr_http_request, method) == 8);
  CHECK(offsetof(lxdr_http_request, path) == 24);
  CHECK(offsetof(lxdr_http_request, query) == 40);
  CHECK(offsetof(lxdr_http_request, headers) == 56);
  CHECK(offsetof(lxdr_http_request, body) == 64);
  CHECK(offsetof(lxdr_http_request, remote_address) == 80);
  CHECK(sizeof(lxdr_http_response) == 40);
  CHECK(offsetof(lxdr_http_response, struct_size) == 0);
  CHECK(offsetof(lxdr_http_response, ctx) == 8);
  CHECK(offsetof(lxdr_http_response, set_status) == 16);
  CHECK(offsetof(lxdr_http_response, set_header) == 24);
  CHECK(offsetof(lxdr_http_response, append_body) == 32);
  CHECK(sizeof(lxdr_http_route) == 48);
  CHECK(offsetof(lxdr_http_route, struct_size) == 0);
  CHECK(offsetof(lxdr_http_route, reserved) == 4);
  CHECK(offsetof(lxdr_http_route, path) == 8);
  CHECK(offsetof(lxdr_http_route, max_body) == 24);
  CHECK(offsetof(lxdr_http_route, handler) == 32);
  CHECK(offsetof(lxdr_http_route, handler_ctx) == 40);
  CHECK(sizeof(lxdr_exec_request) == 72);
  CHECK(offsetof(lxdr_exec_request, struct_size) == 0);
  CHECK(offsetof(lxdr_exec_request, argc) == 4);
  CHECK(offsetof(lxdr_exec_request, argv) == 8);
  CHECK(offsetof(lxdr_exec_request, env_count) == 16);
  CHECK(offsetof(lxdr_exec_request, uid) == 20);
  CHECK(offsetof(lxdr_exec_request, env) == 24);
  CHECK(offsetof(lxdr_exec_request, cwd) == 32);
  CHECK(offsetof(lxdr_exec_request, stdin_data) == 48);
  CHECK(offsetof(lxdr_exec_request, deadline_ms) == 64);
  CHECK(sizeof(lxdr_exec_result) == 40);
  CHECK(offsetof(lxdr_exec_result, struct_size) == 0);
  CHECK(offsetof(lxdr_exec_result, exit_code) == 4);
  CHECK(offsetof(lxdr_exec_result, out) == 8);
  CHECK(offsetof(lxdr_exec_result, err) == 24);
  CHECK(sizeof(lxdr_file_push) == 56);
  CHECK(offsetof(lxdr_file_push, struct_size) == 0);
  CHECK(offsetof(lxdr_file_push, mode) == 4);
  CHECK(offsetof(lxdr_file_push, path) == 8);
  CHECK(offsetof(lxdr_file_push, uid) == 24);
  CHECK(offsetof(lxdr_file_push, gid) == 28);
  CHECK(offsetof(lxdr_file_push, content) == 32);
  CHECK(offsetof(lxdr_file_push, deadline_ms) == 48);
  CHECK(sizeof(lxdr_github_request) == 72);
  CHECK(offsetof(lxdr_github_request, struct_size) == 0);
  CHECK(offsetof(lxdr_github_request, reserved) == 4);
  CHECK(offsetof(lxdr_github_request, method) == 8);
  CHECK(offsetof(lxdr_github_request, path) == 24);
  CHECK(offsetof(lxdr_github_request, body) == 40);
  CHECK(offsetof(lxdr_github_request, installation_id) == 56);
  CHECK(offsetof(lxdr_github_request, deadline_ms) == 64);
  CHECK(sizeof(lxdr_github_response) == 64);
  CHECK(offsetof(lxdr_github_response, struct_size) == 0);
  CHECK(offsetof(lxdr_github_response, status) == 4);
  CHECK(offsetof(lxdr_github_response, rate_limit_limit) == 8);
  CHECK(offsetof(lxdr_github_response, rate_limit_remaining) == 16);
  CHECK(offsetof(lxdr_github_response, rate_limit_reset) == 24);
  CHECK(offsetof(lxdr_github_response, body) == 32);
  CHECK(offsetof(lxdr_github_response, next_path) == 48);
  CHECK(sizeof(lxdr_runner_request) == 80);  // 1.1: runner_group
  CHECK(offsetof(lxdr_runner_request, struct_size) == 0);
  CHECK(offsetof(lxdr_runner_request, label_count) == 4);
  CHECK(offsetof(lxdr_runner_request, runner_name) == 8);
  CHECK(offsetof(lxdr_runner_request, labels) == 24);
  CHECK(offsetof(lxdr_runner_request, scope) == 32);
  CHECK(offsetof(lxdr_runner_request, job_id) == 48);
  CHECK(offsetof(lxdr_runner_request, deadline_ms) == 56);
  CHECK(offsetof(lxdr_runner_request, runner_group) == 64);
  CHECK(sizeof(lxdr_host_api) == 144);  // 1.1: counter_add, instance_write_fifo
  CHECK(offsetof(lxdr_host_api, struct_size) == 0);
  CHECK(offsetof(lxdr_host_api, abi_major) == 4);
  CHECK(offsetof(lxdr_host_api, abi_minor) == 6);
  CHECK(offsetof(lxdr_host_api, log) == 8);
  CHECK(offsetof(lxdr_host_api, last_error) == 16);
  CHECK(offsetof(lxdr_host_api, shutting_down) == 24);
  CHECK(offsetof(lxdr_host_api, now_ms) == 32);
  CHECK(offsetof(lxdr_host_api, config_get) == 40);
  CHECK(offsetof(lxdr_host_api, emit_job_event) == 48);
  CHECK(offsetof(lxdr_host_api, register_http_route) == 56);
  CHECK(offsetof(lxdr_host_api, github_request) == 64);
  CHECK(offsetof(lxdr_host_api, runner_jit_config) == 72);
  CHECK(offsetof(lxdr_host_api, runner_registration_token) == 80);
  CHECK(offsetof(lxdr_host_api, runner_tarball) == 88);
  CHECK(offsetof(lxdr_host_api, instance_exec) == 96);
  CHECK(offsetof(lxdr_host_api, instance_push_file) == 104);
  CHECK(offsetof(lxdr_host_api, instance_pull_file) == 112);
  CHECK(offsetof(lxdr_host_api, instance_attach_device) == 120);
  CHECK(offsetof(lxdr_host_api, counter_add) == 128);
  CHECK(offsetof(lxdr_host_api, instance_write_fifo) == 136);
  CHECK(sizeof(lxdr_event_source_ops) == 24);
  CHECK(offsetof(lxdr_event_source_ops, struct_size) == 0);
  CHECK(offsetof(lxdr_event_source_ops, start) == 8);
  CHECK(offsetof(lxdr_event_source_ops, stop) == 16);
  CHECK(sizeof(lxdr_launch_request) == 72);
  CHECK(offsetof(lxdr_launch_request, struct_size) == 0);
  CHECK(offsetof(lxdr_launch_request, reserved) == 4);
  CHECK(offsetof(lxdr_launch_request, instance_name) == 8);
  CHECK(offsetof(lxdr_launch_request, entry_name) == 24);
  CHECK(offsetof(lxdr_launch_request, job_id) == 40);
  CHECK(offsetof(lxdr_launch_request, entry_json) == 48);
  CHECK(offsetof(lxdr_launch_request, deadline_ms) == 64);
  CHECK(sizeof(lxdr_backend_ops) == 88);  // 1.1: set_frozen, image_fingerprint, write_fifo
  CHECK(offsetof(lxdr_backend_ops, struct_size) == 0);
  CHECK(offsetof(lxdr_backend_ops, launch) == 8);
  CHECK(offsetof(lxdr_backend_ops, destroy_instance) == 16);
  CHECK(offsetof(lxdr_backend_ops, list_instances) == 24);
  CHECK(offsetof(lxdr_backend_ops, exec) == 32);
  CHECK(offsetof(lxdr_backend_ops, push_file) == 40);
  CHECK(offsetof(lxdr_backend_ops, pull_file) == 48);
  CHECK(offsetof(lxdr_backend_ops, attach_device) == 56);
  CHECK(offsetof(lxdr_backend_ops, set_frozen) == 64);
  CHECK(offsetof(lxdr_backend_ops, image_fingerprint) == 72);
  CHECK(offsetof(lxdr_backend_ops, write_fifo) == 80);
  CHECK(sizeof(lxdr_provision_request) == 152);  // 1.1: job
  CHECK(offsetof(lxdr_provision_request, struct_size) == 0);
  CHECK(offsetof(lxdr_provision_request, label_count) == 4);
  CHECK(offsetof(lxdr_provision_request, instance) == 8);
  CHECK(offsetof(lxdr_provision_request, job_id) == 56);
  CHECK(offsetof(lxdr_provision_request, labels) == 64);
  CHECK(offsetof(lxdr_provision_request, scope) == 72);
  CHECK(offsetof(lxdr_provision_request, entry_json) == 88);
  CHECK(offsetof(lxdr_provision_request, runner_os) == 104);
  CHECK(offsetof(lxdr_provision_request, runner_arch) == 120);
  CHECK(offsetof(lxdr_provision_request, deadline_ms) == 136);
  CHECK(offsetof(lxdr_provision_request, job) == 144);
  CHECK(sizeof(lxdr_job_context) == 168);  // 1.1
  CHECK(offsetof(lxdr_job_context, struct_size) == 0);
  CHECK(offsetof(lxdr_job_context, run_attempt) == 4);
  CHECK(offsetof(lxdr_job_context, job_id) == 8);
  CHECK(offsetof(lxdr_job_context, run_id) == 16);
  CHECK(offsetof(lxdr_job_context, installation_id) == 24);
  CHECK(offsetof(lxdr_job_context, repository) == 32);
  CHECK(offsetof(lxdr_job_context, owner) == 48);
  CHECK(offsetof(lxdr_job_context, organization) == 64);
  CHECK(offsetof(lxdr_job_context, workflow_name) == 80);
  CHECK(offsetof(lxdr_job_context, job_name) == 96);
  CHECK(offsetof(lxdr_job_context, head_branch) == 112);
  CHECK(offsetof(lxdr_job_context, job_label_count) == 128);
  CHECK(offsetof(lxdr_job_context, entry_label_count) == 132);
  CHECK(offsetof(lxdr_job_context, job_labels) == 136);
  CHECK(offsetof(lxdr_job_context, entry_labels) == 144);
  CHECK(offsetof(lxdr_job_context, entry_name) == 152);
  CHECK(sizeof(lxdr_provisioner_ops) == 40);  // 1.1: prepare, start, flags
  CHECK(offsetof(lxdr_provisioner_ops, struct_size) == 0);
  CHECK(offsetof(lxdr_provisioner_ops, provision) == 8);
  CHECK(offsetof(lxdr_provisioner_ops, prepare) == 16);
  CHECK(offsetof(lxdr_provisioner_ops, start) == 24);
  CHECK(offsetof(lxdr_provisioner_ops, flags) == 32);
  CHECK(sizeof(lxdr_plugin_descriptor) == 80);
  CHECK(offsetof(lxdr_plugin_descriptor, struct_size) == 0);
  CHECK(offsetof(lxdr_plugin_descriptor, abi_major) == 4);
  CHECK(offsetof(lxdr_plugin_descriptor, abi_minor) == 6);
  CHECK(offsetof(lxdr_plugin_descriptor, kind) == 8);
  CHECK(offsetof(lxdr_plugin_descriptor, reserved) == 12);
  CHECK(offsetof(lxdr_plugin_descriptor, name) == 16);
  CHECK(offsetof(lxdr_plugin_descriptor, version) == 24);
  CHECK(offsetof(lxdr_plugin_descriptor, description) == 32);
  CHECK(offsetof(lxdr_plugin_descriptor, config_schema) == 40);
  CHECK(offsetof(lxdr_plugin_descriptor, create) == 48);
  CHECK(offsetof(lxdr_plugin_descriptor, destroy) == 56);
  CHECK(offsetof(lxdr_plugin_descriptor, last_error) == 64);
  CHECK(offsetof(lxdr_plugin_descriptor, ops) == 72);
  CHECK(sizeof(lxdr_plugin_list) == 16);
  CHECK(offsetof(lxdr_plugin_list, struct_size) == 0);
  CHECK(offsetof(lxdr_plugin_list, count) == 4);
  CHECK(offsetof(lxdr_plugin_list, descriptors) == 8);
}
#endif

TEST_CASE("ABI version constants", "[abi]") {
  CHECK(LXDR_ABI_MAJOR == 1);
  CHECK(LXDR_ABI_MINOR == 1);
  CHECK(std::string(LXDR_PLUGIN_ENTRY_SYMBOL) == "lxdrunner_plugin_entry");
}

TEST_CASE("ABI enum values are pinned", "[abi]") {
  CHECK(LXDR_OK == 0);
  CHECK(LXDR_ERR_INVALID_ARGUMENT == 1);
  CHECK(LXDR_ERR_NOT_FOUND == 2);
  CHECK(LXDR_ERR_ALREADY_EXISTS == 3);
  CHECK(LXDR_ERR_TRANSIENT == 4);
  CHECK(LXDR_ERR_TIMEOUT == 5);
  CHECK(LXDR_ERR_CANCELLED == 6);
  CHECK(LXDR_ERR_UNSUPPORTED == 7);
  CHECK(LXDR_ERR_INTERNAL == 8);
  CHECK(LXDR_KIND_EVENT_SOURCE == 1);
  CHECK(LXDR_KIND_BACKEND == 2);
  CHECK(LXDR_KIND_PROVISIONER == 3);
  CHECK(LXDR_JOB_QUEUED == 1);
  CHECK(LXDR_JOB_WAITING == 2);
  CHECK(LXDR_JOB_IN_PROGRESS == 3);
  CHECK(LXDR_JOB_COMPLETED == 4);
  CHECK(LXDR_LOG_TRACE == 0);
  CHECK(LXDR_LOG_ERROR == 4);
}

extern "C" int lxdr_test_c_layout_matches(size_t descriptor_size, size_t host_api_size,
                                          size_t job_event_size);

TEST_CASE("a C compiler sees the same layout as C++", "[abi]") {
  CHECK(lxdr_test_c_layout_matches(sizeof(lxdr_plugin_descriptor), sizeof(lxdr_host_api),
                                   sizeof(lxdr_job_event)) == 1);
}
