/**
 * The text of ./Resources.proto (an excerpt of aapt2's Resources.proto, Apache 2.0, AOSP
 * frameworks/base/tools/aapt2/Resources.proto; see the licence note in the text), embedded so that
 * the compiled package needs no data file next to it. test/inputs/aab.test.ts checks the two match.
 */
export const RESOURCES_PROTO = `// An excerpt of aapt2's Resources.proto: only the messages trackscan reads from an Android App
// Bundle (the module manifests as XmlNode, resources.pb for resolving string references).
// Fields left out here are skipped as unknown fields when decoding.
//
// Upstream: AOSP frameworks/base/tools/aapt2/Resources.proto
// https://android.googlesource.com/platform/frameworks/base/+/refs/heads/main/tools/aapt2/Resources.proto
//
// Copyright (C) 2016 The Android Open Source Project
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//      http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.
//
// Changes from upstream: messages and fields not read by trackscan removed; comments shortened;
// ConfigValue.config (a Configuration message upstream) is declared as "bytes", which has the same
// wire encoding, so the default configuration (an empty message) is told apart by its length.

syntax = "proto3";

package aapt.pb;

message ResourceTable {
  repeated Package package = 2;
}

message PackageId {
  uint32 id = 1;
}

message Package {
  PackageId package_id = 1;
  string package_name = 2;
  repeated Type type = 3;
}

message TypeId {
  uint32 id = 1;
}

message Type {
  TypeId type_id = 1;
  string name = 2;
  repeated Entry entry = 3;
}

message EntryId {
  uint32 id = 1;
}

message Entry {
  EntryId entry_id = 1;
  string name = 2;
  repeated ConfigValue config_value = 6;
}

message ConfigValue {
  bytes config = 1;
  Value value = 2;
}

message Value {
  oneof value {
    Item item = 4;
  }
}

message Item {
  oneof value {
    Reference ref = 1;
    String str = 2;
    RawString raw_str = 3;
    StyledString styled_str = 4;
    FileReference file = 5;
    Primitive prim = 7;
  }
}

message Reference {
  enum Type {
    REFERENCE = 0;
    ATTRIBUTE = 1;
  }
  Type type = 1;
  uint32 id = 2;
  string name = 3;
}

message String {
  string value = 1;
}

message RawString {
  string value = 1;
}

message StyledString {
  string value = 1;
}

message FileReference {
  string path = 1;
}

message Primitive {
  message NullType {
  }
  message EmptyType {
  }
  oneof oneof_value {
    NullType null_value = 1;
    EmptyType empty_value = 2;
    float float_value = 3;
    uint32 dimension_value = 13;
    uint32 fraction_value = 14;
    int32 int_decimal_value = 6;
    uint32 int_hexadecimal_value = 7;
    bool boolean_value = 8;
    uint32 color_argb8_value = 9;
    uint32 color_rgb8_value = 10;
    uint32 color_argb4_value = 11;
    uint32 color_rgb4_value = 12;
  }
}

message SourcePosition {
  uint32 line_number = 1;
  uint32 column_number = 2;
}

message XmlNode {
  oneof node {
    XmlElement element = 1;
    string text = 2;
  }
  SourcePosition source = 3;
}

message XmlElement {
  repeated XmlNamespace namespace_declaration = 1;
  string namespace_uri = 2;
  string name = 3;
  repeated XmlAttribute attribute = 4;
  repeated XmlNode child = 5;
}

message XmlNamespace {
  string prefix = 1;
  string uri = 2;
}

message XmlAttribute {
  string namespace_uri = 1;
  string name = 2;
  string value = 3;
  uint32 resource_id = 5;
  Item compiled_item = 6;
}
`;
