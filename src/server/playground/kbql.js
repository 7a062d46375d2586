// kbql's playground: GraphiQL with the operations staff and frontend
// developers start from, one a tab, and a token field whose value goes out
// as a bearer token with every request. The token lives in this tab's
// sessionStorage only, so closing the tab forgets it.
(function () {
  "use strict";

  var TOKEN_KEY = "kbql.token";

  var EXAMPLES = [
    {
      query: [
        "# Published posts with a tag, four at a time; pass pageInfo.endCursor",
        "# as $after for the next page, or page: N to jump.",
        "query PostsByTag($tag: String = \"hair loss\", $after: String) {",
        "  posts(tag: $tag, first: 4, after: $after) {",
        "    totalCount",
        "    pageCount",
        "    nodes { slug title tags { name } category { name } publishedAt }",
        "    pageInfo { hasNextPage endCursor }",
        "  }",
        "}",
        ""
      ].join("\n")
    },
    {
      query: [
        "# Typo-tolerant, as-you-type search, with highlights.",
        "query Search($q: String! = \"does it fade in the sun\") {",
        "  search(query: $q, first: 5) {",
        "    totalCount",
        "    didYouMean",
        "    nodes {",
        "      post { slug title }",
        "      highlights { field snippet }",
        "    }",
        "    facets { tags { name count } }",
        "  }",
        "}",
        ""
      ].join("\n")
    },
    {
      query: [
        "# The sentence that answers a visitor's question (null when no post does).",
        "query Answer($question: String! = \"how much does a touch-up cost?\") {",
        "  answer(question: $question) {",
        "    text",
        "    confidence",
        "    post { slug title }",
        "  }",
        "}",
        ""
      ].join("\n")
    },
    {
      query: [
        "# What a visitor's form sends; the question waits for staff.",
        "mutation AskQuestion {",
        "  askQuestion(input: {",
        "    question: \"Will the treatment show after I go swimming?\"",
        "    name: \"Sam\"",
        "  }) {",
        "    question { id title status }",
        "    similarQuestions { post { title } }",
        "    userErrors { field code message }",
        "  }",
        "}",
        ""
      ].join("\n")
    },
    {
      query: [
        "# Staff only: put your token in the field above.",
        "# The visitors' questions waiting for an answer, oldest first.",
        "query PendingQuestions {",
        "  pendingQuestions(first: 10) {",
        "    nodes { id title question askedBy createdAt }",
        "  }",
        "}",
        ""
      ].join("\n")
    },
    {
      query: [
        "# Staff only: answer a pending question (its id from PendingQuestions)",
        "# and publish it.",
        "mutation AnswerQuestion($id: ID!) {",
        "  answerQuestion(input: {",
        "    id: $id",
        "    answer: \"Swimming does not fade it; wait four days after a session.\"",
        "    publish: true",
        "  }) {",
        "    post { slug title status publishedAt }",
        "    userErrors { field code message }",
        "  }",
        "}",
        ""
      ].join("\n"),
      variables: "{ \"id\": \"\" }"
    }
  ];

  EXAMPLES.push({
    query: [
      "# Staff only: each visitor's question as it arrives (keep this tab",
      "# running). postPublished, for everyone, works the same way.",
      "subscription QuestionAsked {",
      "  questionAsked { id title question askedBy createdAt }",
      "}",
      ""
    ].join("\n")
  });

  var tokenField = document.getElementById("kbql-token");
  var tokenState = document.getElementById("kbql-token-state");

  function token() {
    return tokenField.value.trim();
  }

  function showTokenState() {
    tokenState.textContent = token() ? "requests go out as staff" : "requests go out as a visitor";
  }

  tokenField.value = sessionStorage.getItem(TOKEN_KEY) || "";
  tokenField.addEventListener("input", function () {
    sessionStorage.setItem(TOKEN_KEY, token());
    showTokenState();
  });
  showTokenState();

  // Right after a tab switch GraphiQL can still name the previous tab's
  // operation; a name the document does not define is dropped, so the
  // server runs the document's one operation instead of refusing it.
  function defines(query, name) {
    var escaped = name.replace(/[^A-Za-z0-9_]/g, "");
    return new RegExp("\\b(query|mutation|subscription)\\s+" + escaped + "\\b").test(query);
  }

  function isSubscription(params) {
    var query = (params.query || "").replace(/#[^\n]*/g, "");
    var name = params.operationName;
    var pattern = name ? "\\bsubscription\\s+" + name + "\\b" : "^\\s*subscription\\b";
    return new RegExp(pattern).test(query);
  }

  // A subscription over graphql-transport-ws on its own WebSocket, as the
  // async iterator GraphiQL shows results from. The token goes in
  // connection_init, the only place a browser can send it.
  function subscribe(params) {
    var queue = [];
    var waiting = null;
    var finished = false;
    function push(item) {
      if (finished) return;
      if (item.done) finished = true;
      if (waiting) {
        var resolve = waiting;
        waiting = null;
        resolve(item);
      } else {
        queue.push(item);
      }
    }
    var ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws");
    ws.onopen = function () {
      var payload = token() ? { authorization: "Bearer " + token() } : {};
      ws.send(JSON.stringify({ type: "connection_init", payload: payload }));
    };
    ws.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "connection_ack") {
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: params }));
      } else if (message.type === "next") {
        push({ value: message.payload, done: false });
      } else if (message.type === "error") {
        push({ value: { errors: message.payload }, done: false });
      } else if (message.type === "complete") {
        push({ value: undefined, done: true });
      } else if (message.type === "ping") {
        ws.send(JSON.stringify({ type: "pong" }));
      }
    };
    ws.onclose = function (event) {
      if (event.code !== 1000) {
        push({ value: { errors: [{ message: "the subscription closed: " + (event.reason || event.code) }] }, done: false });
      }
      push({ value: undefined, done: true });
    };
    var iterator = {
      next: function () {
        if (queue.length) return Promise.resolve(queue.shift());
        if (finished) return Promise.resolve({ value: undefined, done: true });
        return new Promise(function (resolve) { waiting = resolve; });
      },
      "return": function () {
        if (ws.readyState <= 1) {
          ws.close(1000);
        }
        push({ value: undefined, done: true });
        return Promise.resolve({ value: undefined, done: true });
      }
    };
    iterator[Symbol.asyncIterator] = function () { return iterator; };
    return iterator;
  }

  function fetcher(params, options) {
    if (params.operationName && !defines(params.query || "", params.operationName)) {
      params = Object.assign({}, params, { operationName: null });
    }
    if (isSubscription(params)) {
      return subscribe(params);
    }
    var headers = Object.assign(
      { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
      (options && options.headers) || {}
    );
    if (token()) {
      headers.authorization = "Bearer " + token();
    }
    return fetch("/graphql", {
      method: "POST",
      headers: headers,
      body: JSON.stringify(params),
      credentials: "omit"
    }).then(function (response) {
      return response.json();
    });
  }

  var root = document.getElementById("graphiql");
  if (typeof GraphiQL === "undefined" || typeof ReactDOM === "undefined") {
    root.textContent = "The playground's scripts did not load.";
    return;
  }
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: EXAMPLES,
      defaultEditorToolsVisibility: true
    })
  );
})();
