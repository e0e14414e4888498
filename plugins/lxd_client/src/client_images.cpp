// SPDX-License-Identifier: Apache-2.0
// LxdClient: images and aliases; uploads are streamed (unified tarball or multipart split).
#include <Poco/JSON/Object.h>

#include <memory>
#include <random>

#include "lxdrunner/lxd/client.hpp"
#include "lxdrunner/lxd/error.hpp"
#include "lxdrunner/lxd/json.hpp"

namespace lxdrunner::lxd {

namespace {

ImageInfo readImage(const Poco::JSON::Object::Ptr& object) {
  ImageInfo image;
  image.fingerprint = json::text(object, "fingerprint");
  image.type = json::text(object, "type", "container");
  image.architecture = json::text(object, "architecture");
  image.size = json::integer(object, "size");
  image.properties = json::stringMap(json::object(object, "properties"));
  image.description = image.properties.count("description") ? image.properties["description"] : "";
  Poco::JSON::Array::Ptr aliases = json::array(object, "aliases");
  if (!aliases.isNull()) {
    for (const auto& a : *aliases) image.aliases.push_back(json::text(json::asObject(a), "name"));
  }
  return image;
}

// Streams a sequence of pieces (fixed strings and bodies) as one body.
class Concatenation {
 public:
  void add(std::string text) {
    auto data = std::make_shared<std::string>(std::move(text));
    auto offset = std::make_shared<size_t>(0);
    size_ += static_cast<int64_t>(data->size());
    parts_.push_back([data, offset](char* buffer, size_t capacity) {
      size_t n = std::min(capacity, data->size() - *offset);
      data->copy(buffer, n, *offset);
      *offset += n;
      return n;
    });
  }
  void add(const StreamedBody& body) {
    if (body.size < 0 || size_ < 0) {
      size_ = -1;
    } else {
      size_ += body.size;
    }
    parts_.push_back(body.read);
  }
  int64_t size() const { return size_; }
  BodySource source() {
    auto parts = std::make_shared<std::vector<BodySource>>(parts_);
    auto index = std::make_shared<size_t>(0);
    return [parts, index](char* buffer, size_t capacity) -> size_t {
      while (*index < parts->size()) {
        size_t n = (*parts)[*index](buffer, capacity);
        if (n != 0) return n;
        ++*index;
      }
      return 0;
    };
  }

 private:
  std::vector<BodySource> parts_;
  int64_t size_ = 0;
};

std::string boundary() {
  std::random_device random;
  return "lxdrunner-" + std::to_string(random()) + std::to_string(random());
}

}  // namespace

std::vector<ImageInfo> LxdClient::listImages(Deadline deadline) {
  Envelope e = call("GET", apiPath("/1.0/images", "recursion=1"), "", deadline);
  std::vector<ImageInfo> out;
  if (e.metadata.type() != typeid(Poco::JSON::Array::Ptr)) return out;
  for (const auto& item : *e.metadata.extract<Poco::JSON::Array::Ptr>()) {
    out.push_back(readImage(json::asObject(item)));
  }
  return out;
}

std::optional<std::string> LxdClient::imageAlias(const std::string& alias, Deadline deadline) {
  try {
    Envelope e = call("GET", apiPath("/1.0/images/aliases/" + urlEncode(alias)), "", deadline);
    return json::text(json::asObject(e.metadata), "target");
  } catch (const LxdError& error) {
    if (error.status() == LXDR_ERR_NOT_FOUND) return std::nullopt;
    throw;
  }
}

std::string LxdClient::importImage(const StreamedBody& tarball, Deadline deadline) {
  HttpRequest request;
  request.method = "POST";
  request.path = apiPath("/1.0/images");
  request.content_type = "application/octet-stream";
  request.source = tarball.read;
  request.content_length = tarball.size;
  request.timeout = std::chrono::hours(24);
  Operation op = run(std::move(request), "import image", deadline);
  return json::text(op.metadata, "fingerprint");
}

std::string LxdClient::importSplitImage(const StreamedBody& metadata, const StreamedBody& rootfs,
                                        bool vm, Deadline deadline) {
  const std::string b = boundary();
  Concatenation body;
  body.add("--" + b +
           "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n"
           "Content-Type: application/octet-stream\r\n\r\n");
  body.add(metadata);
  const std::string rootfs_name = vm ? "rootfs.img" : "rootfs";
  body.add("\r\n--" + b + "\r\nContent-Disposition: form-data; name=\"" + rootfs_name +
           "\"; filename=\"" + rootfs_name +
           "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
  body.add(rootfs);
  body.add("\r\n--" + b + "--\r\n");

  HttpRequest request;
  request.method = "POST";
  request.path = apiPath("/1.0/images");
  request.content_type = "multipart/form-data; boundary=" + b;
  request.content_length = body.size();
  request.source = body.source();
  request.timeout = std::chrono::hours(24);
  Operation op = run(std::move(request), "import split image", deadline);
  return json::text(op.metadata, "fingerprint");
}

void LxdClient::createImageAlias(const std::string& alias, const std::string& fingerprint,
                                 const std::string& description, Deadline deadline) {
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object();
  body->set("name", alias);
  body->set("target", fingerprint);
  body->set("description", description);
  call("POST", apiPath("/1.0/images/aliases"), json::stringify(body), deadline);
}

void LxdClient::deleteImageAlias(const std::string& alias, Deadline deadline) {
  call("DELETE", apiPath("/1.0/images/aliases/" + urlEncode(alias)), "", deadline);
}

void LxdClient::deleteImage(const std::string& fingerprint, Deadline deadline) {
  run("DELETE", apiPath("/1.0/images/" + urlEncode(fingerprint)), "",
      "delete image " + fingerprint.substr(0, 12), deadline);
}

}  // namespace lxdrunner::lxd
