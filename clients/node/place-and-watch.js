#!/usr/bin/env node
// Places an order with Switchboard's gRPC OrderService and follows it with WatchOrder until it ends.
// The contract is loaded from the repository's proto/ files at run time: nothing is generated.
//
//   node place-and-watch.js [--target 127.0.0.1:9090] [--sku SKU-APPLE] [--quantity 1] [--price 500]
//                           [--deadline-ms 30000]
//
// Prints each state as one JSON line; exits 0 when the order ended (CONFIRMED or REJECTED), 1 otherwise.
'use strict';

const path = require('path');
const crypto = require('crypto');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function options(argv) {
  const given = {target: '127.0.0.1:9090', sku: 'SKU-APPLE', quantity: '1', price: '500', 'deadline-ms': '30000'};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in given) || argv[i + 1] === undefined) {
      console.error(`unknown option or missing value: ${argv[i]}; options are ${Object.keys(given).map((k) => '--' + k).join(', ')}`);
      process.exit(2);
    }
    given[name] = argv[i + 1];
  }
  return given;
}

const opts = options(process.argv.slice(2));
const protoRoot = path.resolve(__dirname, '..', '..', 'proto');
const definition = protoLoader.loadSync(path.join(protoRoot, 'switchboard/checkout/v1/orders.proto'), {
  includeDirs: [protoRoot],
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
});
const checkout = grpc.loadPackageDefinition(definition).switchboard.checkout.v1;
const orders = new checkout.OrderService(opts.target, grpc.credentials.createInsecure());

const correlationId = `node-${crypto.randomUUID()}`;
const metadata = new grpc.Metadata();
metadata.set('x-correlation-id', correlationId);
const deadline = () => new Date(Date.now() + Number(opts['deadline-ms']));
const TERMINAL = new Set(['ORDER_STATUS_CONFIRMED', 'ORDER_STATUS_REJECTED']);

function report(event, fields) {
  console.log(JSON.stringify({event, correlationId, ...fields}));
}

function fail(what, error) {
  report('error', {what, code: grpc.status[error.code] || error.code, message: error.details || error.message});
  orders.close();
  process.exit(1);
}

const request = {
  customerId: 'node-client',
  idempotencyKey: crypto.randomUUID(),
  items: [{sku: opts.sku, quantity: Number(opts.quantity), unitPriceCents: Number(opts.price)}],
};

orders.placeOrder(request, metadata, {deadline: deadline()}, (error, answer) => {
  if (error) {
    return fail('PlaceOrder', error);
  }
  report('placed', {orderId: answer.orderId, status: answer.status, reason: answer.reason});
  if (TERMINAL.has(answer.status)) {
    orders.close();
    return;
  }
  // PENDING (orders.place in event mode): follow the order until it ends
  let ended = false;
  const watch = orders.watchOrder({orderId: answer.orderId}, metadata, {deadline: deadline()});
  watch.on('data', (order) => {
    report('update', {orderId: order.orderId, status: order.status, reason: order.reason});
    ended = ended || TERMINAL.has(order.status);
  });
  watch.on('error', (watchError) => fail('WatchOrder', watchError));
  watch.on('end', () => {
    orders.close();
    if (!ended) {
      report('error', {what: 'WatchOrder', message: 'the stream ended before the order did'});
      process.exit(1);
    }
  });
});
